namespace BatchPool.Bench.Workloads;

/// <summary>An executor on the local backend with 2 parallel jobs, as every workload uses it; disposing stops both.</summary>
internal sealed class BenchExecutor : IDisposable
{
    /// <summary>How long any one result may take before the bench gives up on it (a hang is reported, not waited out).</summary>
    public static readonly TimeSpan ResultTimeout = TimeSpan.FromMinutes(10);

    private readonly LocalBackend _backend;

    public BenchExecutor(string? remoteTmpdir = null, bool cleanupBucket = true)
    {
        _backend = new LocalBackend(remoteTmpdir, maxParallelJobs: 2);
        Executor = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = _backend, CleanupBucket = cleanupBucket, Progress = BenchListeners.Current });
    }

    public BatchPoolExecutor Executor { get; }

    public void Dispose()
    {
        Executor.Dispose();
        _backend.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
