using BatchPool.Backends;
using BatchPool.Configuration;
using BatchPool.Docker;
using BatchPool.Storage;

namespace BatchPool;

/// <summary>
/// Runs each job in a container of its own on a Docker engine of this machine: the executor's <c>image</c>, or by default
/// BatchPool's worker image <see cref="DefaultImage"/>, which holds just the .NET runtime. The worker and the user's
/// assemblies are shipped through <see cref="Storage"/> as on the local backend, and the executor's storage folder is
/// bind-mounted into each container at the same path, so an image needs nothing of the user's. At most
/// <c>maxParallelJobs</c> containers of one executor run at once; <c>cpusPerJob</c> becomes each container's CPU limit and
/// <c>memoryPerJob</c> its memory limit. Containers have no network and run as this process's user.
/// </summary>
/// <remarks>
/// Every container carries the labels <c>batchpool.executor</c> (the executor's name) and <c>batchpool.session</c>; it is
/// removed once its exit code, log tail and (when it failed) out-of-memory flag are read, and closing an executor removes any
/// that are left.
/// Talks to the engine's API version 1.41 (Docker Engine 20.10 or later).
/// </remarks>
public sealed class DockerBackend : IBatchBackend
{
    /// <summary>The repository of BatchPool's worker images; the tag is the .NET runtime's major.minor version.</summary>
    public const string DefaultImageRepository = "ghcr.io/batchpool/worker";

    private readonly IContainerEngine _engine;
    private readonly IBatchStorage _storage;
    private readonly int? _maxParallelJobs;
    private readonly long? _memoryPerJob;
    private readonly List<DockerSession> _sessions = [];
    private int _disposed;
    private Task? _disposal;

    /// <summary>Creates the backend; the engine is first contacted when a job arrives.</summary>
    /// <param name="remoteTmpdir">
    /// The folder (or <c>file://</c> URI) under which executors keep <c>batch-pool-executor/&lt;name&gt;/</c>; it must be on
    /// the machine that runs the engine. By default <c>batchpool</c> in the system's temporary folder.
    /// </param>
    /// <param name="dockerEndpoint">
    /// The engine's address, as <c>unix:///var/run/docker.sock</c> or <c>tcp://host:2375</c>; by default <c>DOCKER_HOST</c>,
    /// else the local socket.
    /// </param>
    /// <param name="maxParallelJobs">
    /// How many containers of one executor run at once; by default the machine's cores divided by the executor's
    /// <c>cpusPerJob</c> (at least one).
    /// </param>
    /// <param name="memoryPerJob">Each container's memory limit (<c>512m</c>, <c>2g</c>, <c>4Gi</c>); by default none.</param>
    /// <exception cref="BatchPoolSettingException"><paramref name="memoryPerJob"/> is not an amount of memory.</exception>
    public DockerBackend(string? remoteTmpdir = null, string? dockerEndpoint = null, int? maxParallelJobs = null, string? memoryPerJob = null)
        : this(new DockerBackendOptions { RemoteTmpdir = remoteTmpdir, DockerEndpoint = dockerEndpoint, MaxParallelJobs = maxParallelJobs, MemoryPerJob = memoryPerJob }, SettingKeys.ParametersOf<DockerBackendOptions>(
            nameof(DockerBackendOptions.RemoteTmpdir), nameof(DockerBackendOptions.DockerEndpoint), nameof(DockerBackendOptions.MaxParallelJobs), nameof(DockerBackendOptions.MemoryPerJob)))
    {
    }

    /// <summary>Creates the backend from its options, checked here; the engine is first contacted when a job arrives.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="BatchPoolSettingException">An option has a value the backend cannot take.</exception>
    public DockerBackend(DockerBackendOptions options)
        : this(options, SettingKeys.PropertyOf<DockerBackendOptions>())
    {
    }

    private DockerBackend(DockerBackendOptions options, Func<string, string> keyOf)
    {
        ArgumentNullException.ThrowIfNull(options);
        _memoryPerJob = options.MemoryLimit(keyOf);
        _maxParallelJobs = options.MaxParallelJobs;
        _storage = StorageSelection.Open(options.RemoteTmpdir ?? Path.Combine(Path.GetTempPath(), "batchpool"), $"{nameof(DockerBackendOptions)}.{nameof(DockerBackendOptions.RemoteTmpdir)}");
        Endpoint = options.DockerEndpoint ?? (Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : DefaultEndpoint);
        _engine = new DockerEngine(Endpoint);
        ReuseContainers = options.ReuseContainers;
    }

    /// <summary>The local engine's socket.</summary>
    public const string DefaultEndpoint = "unix:///var/run/docker.sock";

    /// <summary>
    /// The image jobs run in when the executor names none: <see cref="DefaultImageRepository"/> tagged with this process's
    /// .NET major.minor version, as <c>ghcr.io/batchpool/worker:10.0</c>. It holds the .NET runtime only; BatchPool's
    /// repository builds it with <c>docker/Dockerfile</c>, or with no registry at all with <c>docker/build-worker-image.sh</c>.
    /// </summary>
    public static string DefaultImage { get; } = $"{DefaultImageRepository}:{WorkerDistribution.RuntimeVersion}";

    /// <summary>The engine's address.</summary>
    public string Endpoint { get; }

    /// <summary>
    /// When true, each of an executor's <c>maxParallelJobs</c> slots keeps one container and runs each job in it as a
    /// fresh worker process of its own (the engine's exec call), instead of creating and removing a container per job:
    /// several times faster for short jobs, since a container's creation, start and removal cost the engine far more than
    /// the process. The limits are the container's, one job at a time; jobs of one slot share its file system (as jobs of
    /// a local worker share its process), and a slot's container is replaced after a job was cancelled, killed or ran out of
    /// memory. Default false: every job in a container of its own, as Hail's jobs are.
    /// </summary>
    public bool ReuseContainers { get; init; }

    /// <inheritdoc />
    public IBatchStorage Storage => _storage;

    /// <inheritdoc />
    public IBatchSession OpenSession(BatchSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (options.Image is { } named && string.IsNullOrWhiteSpace(named))
        {
            throw new ArgumentException("The image name is empty; leave image unset for the default image.", nameof(options));
        }
        var cores = options.CpusPerJob?.Cores;
        var parallel = _maxParallelJobs ?? Math.Max(1, (int)(Environment.ProcessorCount / Math.Max(1.0, cores ?? 1)));
        var settings = new ContainerSettings(
            options.Image ?? DefaultImage,
            cores is { } c ? (long)Math.Round(c * 1e9) : null,
            _memoryPerJob,
            CurrentUser(),
            parallel,
            ReuseContainers);
        var session = new DockerSession(_engine, _storage, options, settings);
        lock (_sessions)
        {
            _sessions.Add(session);
        }
        return session;
    }

    /// <summary>
    /// Closes every session still open (killing and removing their containers), then the engine's client. Every caller
    /// waits for the one closing to finish.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        lock (_sessions)
        {
            Volatile.Write(ref _disposed, 1);
            _disposal ??= Task.Run(CloseAsync);
        }
        return new ValueTask(_disposal);
    }

    private async Task CloseAsync()
    {
        DockerSession[] open;
        lock (_sessions)
        {
            open = [.. _sessions];
            _sessions.Clear();
        }
        foreach (var session in open)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
        _engine.Dispose();
    }

    /// <summary>This process's "uid:gid", so that what jobs write to storage belongs to the user; null off Linux.</summary>
    private static string? CurrentUser()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        string? uid = null, gid = null;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                uid = line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
            }
            else if (line.StartsWith("Gid:", StringComparison.Ordinal))
            {
                gid = line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
            }
        }
        return uid is null || gid is null ? null : $"{uid}:{gid}";
    }
}
