using BatchPool.Backends;

namespace BatchPool.Docker;

/// <summary>A job and where its container is; guarded by locking the instance.</summary>
internal sealed class DockerJob(BatchJob batch, IReadOnlyList<string> workerArguments)
{
    public BatchJob Batch { get; } = batch;

    public IReadOnlyList<string> WorkerArguments { get; } = workerArguments;

    public string? ContainerId { get; set; }

    public bool Started { get; set; }

    public bool CancelRequested { get; set; }

    private int _taken;

    /// <summary>True the first time: a retried job is in both queues, and runs once.</summary>
    public bool TryTake() => Interlocked.Exchange(ref _taken, 1) == 0;
}
