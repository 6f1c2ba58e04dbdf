using BatchPool.Backends;
using BatchPool.Backends.Local;
using BatchPool.Configuration;
using BatchPool.Storage;

namespace BatchPool;

/// <summary>
/// The embedded backend, and the default: each executor's jobs run in worker processes on this machine, at most
/// <c>maxParallelJobs</c> at once. Workers stay warm between jobs of one executor, and serve one executor at a time: as
/// an executor shuts down, its idle workers forget it and wait for the next executor of this process
/// (<see cref="RecycleWorkers"/>), and spare workers are started for it (<see cref="SpareWorkerLifetime"/>).
/// </summary>
public sealed class LocalBackend : IBatchBackend
{
    private readonly int? _maxParallelJobs;
    private readonly List<LocalSession> _sessions = [];

    /// <summary>Creates the backend.</summary>
    /// <param name="remoteTmpdir">
    /// The folder (or <c>file://</c> URI), or the bucket (<c>s3://BUCKET/PREFIX</c>, an Azure Blob address; see the README),
    /// under which executors keep <c>batch-pool-executor/&lt;name&gt;/</c>; by default <c>batchpool</c> in the system's
    /// temporary folder.
    /// </param>
    /// <param name="maxParallelJobs">
    /// How many jobs of one executor run at once; by default the machine's cores divided by the executor's <c>cpusPerJob</c>.
    /// </param>
    public LocalBackend(string? remoteTmpdir = null, int? maxParallelJobs = null)
        : this(new LocalBackendOptions { RemoteTmpdir = remoteTmpdir, MaxParallelJobs = maxParallelJobs }, SettingKeys.ParametersOf<LocalBackendOptions>(nameof(LocalBackendOptions.RemoteTmpdir), nameof(LocalBackendOptions.MaxParallelJobs)))
    {
    }

    /// <summary>Creates the backend from its options, checked here.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="BatchPoolSettingException">An option has a value the backend cannot take.</exception>
    public LocalBackend(LocalBackendOptions options)
        : this(options, SettingKeys.PropertyOf<LocalBackendOptions>())
    {
    }

    private LocalBackend(LocalBackendOptions options, Func<string, string> keyOf)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(keyOf);
        _maxParallelJobs = options.MaxParallelJobs;
        Storage = StorageSelection.Open(options.RemoteTmpdir ?? Path.Combine(Path.GetTempPath(), "batchpool"), $"{nameof(LocalBackendOptions)}.{nameof(LocalBackendOptions.RemoteTmpdir)}");
        // With a bucket, workers read their inputs and write their outputs there themselves, as on a remote backend.
        PayloadsThroughStorage = options.PayloadsThroughStorage || Storage is not FileSystemStorage;
        SpareWorkerLifetime = options.SpareWorkerLifetime;
        RecycleWorkers = options.RecycleWorkers;
    }

    /// <inheritdoc />
    public IBatchStorage Storage { get; }

    /// <summary>The sessions opened on this backend and not yet disposed with it (for tests).</summary>
    internal LocalSession[] Sessions
    {
        get
        {
            lock (_sessions)
            {
                return [.. _sessions];
            }
        }
    }

    /// <summary>
    /// When true, every job's input and output go through <see cref="Storage"/> (<c>inputs/</c> and <c>outputs/</c> of the
    /// executor's folder) as they do on remote backends: slower, and useful to inspect payloads. By default they travel
    /// over the worker's pipes, and storage holds only the shipped assemblies. Always true with a bucket: workers then read
    /// and write their jobs' data there themselves.
    /// </summary>
    public bool PayloadsThroughStorage { get; init; }

    /// <summary>
    /// How long spare workers wait for the next executor of this process: an executor's own workers, recycled
    /// (<see cref="RecycleWorkers"/>), and, for those that were not, fresh processes that never ran a job, as many as it
    /// used and one more, started as it shuts down. The next executor with the same worker program and environment takes
    /// them instead of starting its own. Unclaimed, they are closed after this long. By default 60 seconds;
    /// <see cref="TimeSpan.Zero"/> keeps none.
    /// </summary>
    public TimeSpan SpareWorkerLifetime { get; init; }

    /// <summary>
    /// Whether an executor's idle workers, as it shuts down, are kept for the next executor of this process (for
    /// <see cref="SpareWorkerLifetime"/>) instead of closed: a recycled worker forgets its executor first (its key, and
    /// the executor's shipped code, which each executor's jobs load apart and which is unloaded), and one that cannot
    /// (a thread, timer or event handler of that code still lives; it changed the process's environment or working
    /// directory) exits instead. True by default; false gives each executor processes no other executor's jobs ran in.
    /// </summary>
    public bool RecycleWorkers { get; init; }

    /// <inheritdoc />
    public IBatchSession OpenSession(BatchSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Image is { } image)
        {
            throw new ArgumentException(
                $"The local backend runs jobs as processes on this machine and cannot run them in image '{image}'; " +
                "leave image unset, or use a backend that runs containers.", nameof(options));
        }
        var parallel = _maxParallelJobs ?? Math.Max(1, (int)(Environment.ProcessorCount / Math.Max(1.0, options.CpusPerJob?.Cores ?? 1)));
        var session = new LocalSession(options, Storage.Locator, parallel, carriesPayloads: !PayloadsThroughStorage, SpareWorkerLifetime, RecycleWorkers);
        lock (_sessions)
        {
            _sessions.Add(session);
        }
        return session;
    }

    /// <summary>Stops every job of every session still open.</summary>
    public async ValueTask DisposeAsync()
    {
        LocalSession[] open;
        lock (_sessions)
        {
            open = [.. _sessions];
            _sessions.Clear();
        }
        foreach (var session in open)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }
}
