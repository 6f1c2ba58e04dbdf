namespace BatchPool.Docker;

/// <summary>
/// The few container-engine operations the Docker backend uses, so that the client library behind them (Docker.DotNet
/// today) can be replaced without touching the sessions. Every failure is a <see cref="ContainerEngineException"/>.
/// </summary>
internal interface IContainerEngine : IDisposable
{
    /// <summary>Where the engine listens, for messages.</summary>
    string Endpoint { get; }

    Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken);

    /// <summary>Asks the engine whether it answers (its ping call).</summary>
    Task PingAsync(CancellationToken cancellationToken);

    Task PullAsync(string image, CancellationToken cancellationToken);

    /// <summary>Creates a container (not started) and returns its id.</summary>
    Task<string> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken);

    Task StartAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until the container is no longer running, with the engine's wait call (no polling), and returns what that call
    /// tells: the exit code and the engine's error, not whether the kernel killed the container for memory.
    /// </summary>
    Task<ContainerExit> WaitAsync(string id, CancellationToken cancellationToken);

    Task<ContainerEnd> InspectEndAsync(string id, CancellationToken cancellationToken);

    /// <summary>The last <paramref name="lines"/> lines the container wrote, standard output and error interleaved.</summary>
    Task<string> LogTailAsync(string id, int lines, CancellationToken cancellationToken);

    /// <summary>Prepares <paramref name="command"/> to run in a running container; returns the exec's id.</summary>
    Task<string> ExecCreateAsync(string container, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, string? user, CancellationToken cancellationToken);

    /// <summary>Runs a prepared exec, reading its output until the process ends; returns its last <paramref name="lines"/> lines.</summary>
    Task<string> ExecRunAsync(string exec, int lines, CancellationToken cancellationToken);

    /// <summary>The exit code of an exec that ended.</summary>
    Task<long> ExecExitCodeAsync(string exec, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the engine reported the kernel's out-of-memory killer in the container between <paramref name="since"/> and
    /// <paramref name="until"/> (its "oom" event: the way to see an exec'd process killed for memory). Returns at
    /// <paramref name="until"/> at the latest.
    /// </summary>
    Task<bool> OutOfMemoryEventAsync(string container, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Sends SIGKILL; a container that is not running is left as it is.</summary>
    Task KillAsync(string id, CancellationToken cancellationToken);

    /// <summary>Removes a container, killing it first if it runs; one already gone is fine.</summary>
    Task RemoveAsync(string id, CancellationToken cancellationToken);

    /// <summary>The ids of every container, running or not, that carries all of <paramref name="labels"/>.</summary>
    Task<IReadOnlyList<string>> ListAsync(IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken);
}

/// <summary>
/// What a job's container is made of. Mounts keep their host path inside. No network, unless <c>HostNetwork</c>: the
/// host's (a job whose storage is a bucket reaches it as this machine does).
/// </summary>
internal sealed record ContainerSpec(
    string Name,
    string Image,
    IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> BindMounts,
    string? User,
    long? NanoCpus,
    long? MemoryBytes,
    bool KeepStdinOpen = false,
    IReadOnlyList<string>? ReadOnlyMounts = null,
    bool HostNetwork = false);

/// <summary>How a container ended, as the engine's wait call tells it.</summary>
internal sealed record ContainerExit(long ExitCode, string? Error);

/// <summary>How a container ended, as the engine recorded it.</summary>
internal sealed record ContainerEnd(long ExitCode, bool OomKilled, string? Error, bool Running = false);

/// <summary>The engine refused an operation or could not be reached; the message says which, in the engine's words.</summary>
internal sealed class ContainerEngineException : Exception
{
    public ContainerEngineException(string message, int? statusCode = null, Exception? innerException = null, bool unreachable = false)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Unreachable = unreachable;
    }

    /// <summary>The engine's HTTP status, when it answered.</summary>
    public int? StatusCode { get; }

    /// <summary>The engine could not be reached, or its answer was cut short (it stopped or restarts): the call may work once it is back.</summary>
    public bool Unreachable { get; }
}
