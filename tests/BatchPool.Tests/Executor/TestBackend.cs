namespace BatchPool.Tests.Executor;

/// <summary>A real local backend in a folder of its own, stopped and deleted when the test ends.</summary>
public sealed class TestBackend : IAsyncDisposable
{
    public TestBackend(int? maxParallelJobs = null, bool payloadsThroughStorage = false)
    {
        Root = Path.Combine(Path.GetTempPath(), "batchpool-tests", Guid.NewGuid().ToString("N")[..12]);
        Backend = new LocalBackend(Root, maxParallelJobs) { PayloadsThroughStorage = payloadsThroughStorage };
    }

    public string Root { get; }

    public LocalBackend Backend { get; }

    public string FolderOf(BatchPoolExecutor executor) => Path.Combine(Root, "batch-pool-executor", executor.Name);

    public async ValueTask DisposeAsync()
    {
        await Backend.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
