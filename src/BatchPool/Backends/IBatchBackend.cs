using BatchPool.Backends;
using BatchPool.Storage;

namespace BatchPool;

/// <summary>
/// A service that runs BatchPool jobs: the embedded <see cref="LocalBackend"/>, a cluster scheduler, a container engine.
/// Every backend pairs an engine with a <see cref="IBatchStorage"/> that both this machine and the jobs reach.
/// </summary>
/// <remarks>
/// A backend only starts workers and reports how they ended: the executor writes each job's input to
/// <see cref="Storage"/> before it submits the job, and reads the job's output from there when the backend says it ended.
/// One backend may serve many executors, each through its own <see cref="IBatchSession"/>.
/// </remarks>
public interface IBatchBackend : IAsyncDisposable
{
    /// <summary>The storage that this machine and the jobs share.</summary>
    IBatchStorage Storage { get; }

    /// <summary>
    /// Checks <paramref name="options"/> against what this backend can do, and opens the session through which one
    /// executor submits its jobs. Throws <see cref="ArgumentException"/> for settings the backend cannot honour
    /// (an image where no container runtime exists, say). Must be cheap: engines are contacted when jobs arrive.
    /// </summary>
    /// <param name="options">The executor's settings.</param>
    IBatchSession OpenSession(BatchSessionOptions options);
}
