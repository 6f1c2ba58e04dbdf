using BatchPool.Backends;
using BatchPool.Storage;

namespace BatchPool.Tests.Storage;

/// <summary>
/// A backend whose every session passes <paramref name="names"/> from this process to its jobs, as
/// <see cref="BatchPoolExecutorOptions.PassEnvironment"/> does: for suites that make their executors themselves (the
/// conformance list) on a remote backend whose workers need the bucket's credentials.
/// </summary>
public sealed class PassingBackend(IBatchBackend inner, IReadOnlyList<string> names) : IBatchBackend
{
    public IBatchStorage Storage => inner.Storage;

    public IBatchBackend Inner => inner;

    public IBatchSession OpenSession(BatchSessionOptions options) => inner.OpenSession(new BatchSessionOptions(options.ExecutorName, options.Worker, options.Secret)
    {
        Image = options.Image,
        CpusPerJob = options.CpusPerJob,
        Project = options.Project,
        JobsOutliveProgram = options.JobsOutliveProgram,
        CleanupBucket = options.CleanupBucket,
        Environment = StorageProbe.WithPassedEnvironment(options.Environment, names),
    });

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
