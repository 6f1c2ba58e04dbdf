using System.Globalization;
using BatchPool.Backends;
using BatchPool.Backends.Slurm;
using BatchPool.Configuration;
using BatchPool.Storage;

namespace BatchPool;

/// <summary>
/// Runs jobs on a Slurm cluster, through Slurm itself: each <c>Submit</c> or <c>Map</c> becomes one job array
/// (<c>sbatch --array</c>), one <c>squeue</c> per round watches every job of the backend, and <c>scancel</c> stops them.
/// The worker and the user's assemblies reach the compute nodes through <c>remoteTmpdir</c>, which they must share with
/// this machine; the nodes need only a .NET runtime of the client's major.minor (<see cref="DotnetPath"/>).
/// </summary>
/// <remarks>
/// This machine must be a Slurm submit host (<c>sbatch</c>, <c>squeue</c> and <c>scancel</c> on PATH, or in
/// <see cref="SlurmBinFolder"/>). Jobs are named after their executor; a job's log is
/// <c>batch-pool-executor/NAME/slurm/logs/ARRAY_TASK.log</c> in <c>remoteTmpdir</c>. A job gets of this process's
/// environment only <c>PATH</c>, <c>HOME</c> and <c>DOTNET_ROOT</c> (what the worker needs to start) and the variables
/// listed in <see cref="BatchPoolExecutorOptions.PassEnvironment"/> (sbatch's <c>--export</c>; an <c>--export</c> in
/// <see cref="ExtraSbatchArgs"/> comes later and wins), besides Slurm's own <c>SLURM_*</c> variables.
/// </remarks>
public sealed class SlurmBackend : IBatchBackend
{
    private readonly FileSystemStorage _storage;
    private readonly List<SlurmSession> _sessions = [];
    private readonly Lazy<SlurmJobMonitor> _monitor;
    private readonly Lazy<ISlurmClient> _slurm;
    private readonly Lock _cancelGate = new();
    private readonly HashSet<string> _cancelsDue = new(StringComparer.Ordinal);
    private readonly Lazy<Task<int?>> _partitionCpus;
    private Task? _cancelling;

    /// <summary>How many rounds of jobs the partition must be able to run at once before a map's chunks share tasks.</summary>
    private const int WavesBeforePacking = 4;

    /// <summary>Creates the backend.</summary>
    /// <param name="remoteTmpdir">A folder (or <c>file://</c> URI) that this machine and every compute node see at the same path.</param>
    /// <param name="partition">The partition to submit to (<c>--partition</c>); by default the cluster's default one.</param>
    /// <param name="account">The account to charge (<c>--account</c>).</param>
    /// <param name="qos">The quality of service (<c>--qos</c>).</param>
    /// <param name="timeLimit">Each job's time limit (<c>--time</c>; Slurm counts whole minutes).</param>
    /// <param name="memoryPerJob">Each job's memory (<c>--mem</c>), in Slurm's notation: <c>"512M"</c>, <c>"4G"</c>.</param>
    /// <param name="extraSbatchArgs">More sbatch options, passed as they are (<c>"--constraint=avx2"</c>, ...).</param>
    public SlurmBackend(
        string remoteTmpdir,
        string? partition = null,
        string? account = null,
        string? qos = null,
        TimeSpan? timeLimit = null,
        string? memoryPerJob = null,
        IReadOnlyList<string>? extraSbatchArgs = null)
        : this(new SlurmBackendOptions
        {
            RemoteTmpdir = remoteTmpdir,
            Partition = partition,
            Account = account,
            Qos = qos,
            TimeLimit = timeLimit,
            MemoryPerJob = memoryPerJob,
            ExtraSbatchArgs = [.. extraSbatchArgs ?? []],
        }, SettingKeys.ParametersOf<SlurmBackendOptions>(
            nameof(SlurmBackendOptions.RemoteTmpdir), nameof(SlurmBackendOptions.Partition), nameof(SlurmBackendOptions.Account), nameof(SlurmBackendOptions.Qos),
            nameof(SlurmBackendOptions.TimeLimit), nameof(SlurmBackendOptions.MemoryPerJob), nameof(SlurmBackendOptions.ExtraSbatchArgs)))
    {
    }

    /// <summary>Creates the backend from its options, checked here; Slurm is first contacted when a job arrives.</summary>
    /// <param name="options">The options; <see cref="SlurmBackendOptions.RemoteTmpdir"/> is required.</param>
    /// <exception cref="BatchPoolSettingException">An option has a value the backend cannot take.</exception>
    public SlurmBackend(SlurmBackendOptions options)
        : this(options, SettingKeys.PropertyOf<SlurmBackendOptions>())
    {
    }

    private SlurmBackend(SlurmBackendOptions options, Func<string, string> keyOf)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(keyOf);
        _storage = new FileSystemStorage(options.SharedFolder ?? options.RemoteTmpdir!);
        Storage = options.SharedFolder is null ? _storage : StorageSelection.Open(options.RemoteTmpdir!, keyOf(nameof(SlurmBackendOptions.RemoteTmpdir)));
        Partition = options.Partition;
        Account = options.Account;
        Qos = options.Qos;
        TimeLimit = options.TimeLimit;
        MemoryPerJob = options.MemoryPerJob;
        ExtraSbatchArgs = [.. options.ExtraSbatchArgs];
        DotnetPath = options.DotnetPath;
        SlurmBinFolder = options.SlurmBinFolder;
        ContainerLauncher = options.ContainerLauncher is { } launcher ? [.. launcher] : null;
        MaxArrayTasks = options.MaxArrayTasks;
        MaxParallelJobs = options.MaxParallelJobs;
        _slurm = new Lazy<ISlurmClient>(() => new SlurmCommandLine(SlurmBinFolder));
        _monitor = new Lazy<SlurmJobMonitor>(() => new SlurmJobMonitor(Slurm));
        _partitionCpus = new Lazy<Task<int?>>(() => Slurm.CountCpusAsync(Partition, CancellationToken.None));
    }

    /// <inheritdoc />
    /// <remarks>The shared folder, or the bucket given with <see cref="SlurmBackendOptions.SharedFolder"/>.</remarks>
    public IBatchStorage Storage { get; }

    /// <summary>The partition jobs go to, or null for the cluster's default.</summary>
    public string? Partition { get; }

    /// <summary>The account jobs are charged to, or null.</summary>
    public string? Account { get; }

    /// <summary>The quality of service of the jobs, or null.</summary>
    public string? Qos { get; }

    /// <summary>Each job's time limit, or null for the partition's.</summary>
    public TimeSpan? TimeLimit { get; }

    /// <summary>Each job's memory in Slurm's notation, or null for the cluster's default.</summary>
    public string? MemoryPerJob { get; }

    /// <summary>More sbatch options for every job.</summary>
    public IReadOnlyList<string> ExtraSbatchArgs { get; }

    /// <summary>The <c>dotnet</c> host on the compute nodes: a path, or a name looked up on the job's PATH (the default, <c>dotnet</c>).</summary>
    public string DotnetPath { get; init; }

    /// <summary>
    /// How many tasks of one job array (one <c>Submit</c> or <c>Map</c>) run at once (sbatch's <c>--array=0-N%K</c>), or null
    /// for as many as the cluster schedules.
    /// </summary>
    public int? MaxParallelJobs { get; }

    /// <summary>The folder of Slurm's commands on this machine, when they are not on PATH.</summary>
    public string? SlurmBinFolder { get; init; }

    /// <summary>
    /// The command that runs a program inside a container image on the nodes, for executors given an <c>image</c>; the
    /// worker's command line is appended to it. <c>{image}</c> stands for the image and <c>{storage}</c> for the shared
    /// folder, e.g. <c>["apptainer", "exec", "--bind", "{storage}", "docker://{image}"]</c>. Null (the default): this
    /// cluster has no container runtime, and an executor given an image is refused.
    /// </summary>
    public IReadOnlyList<string>? ContainerLauncher { get; init; }

    /// <summary>
    /// The most array tasks a <c>Map</c> becomes. A map of more chunks is packed: each task runs several consecutive chunks,
    /// one after another in one worker process, so that the cluster starts fewer processes; each chunk keeps its own
    /// result, state and errors (one that never started because its task died says so). A chunk cancelled while its task
    /// runs another stays queued no longer (the worker skips it); one cancelled while it runs stops its whole task.
    /// Null (the default): four times the jobs the partition can run at once (its CPUs, as <c>sinfo</c> counts them,
    /// over the CPUs per job), so that only chunks that would have waited anyway share a task; no packing when a
    /// <see cref="TimeLimit"/> is set, since a task's limit covers all its chunks. <see cref="int.MaxValue"/>: never pack.
    /// </summary>
    public int? MaxArrayTasks
    {
        get;
        init => field = value is null or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least one task per array.");
    }

    internal ISlurmClient Slurm => _slurm.Value;

    /// <summary>The most tasks one array of a session with <paramref name="options"/> may have; see <see cref="MaxArrayTasks"/>.</summary>
    internal async Task<int> ArrayTaskLimitAsync(BatchSessionOptions options, CancellationToken cancellationToken)
    {
        if (MaxArrayTasks is { } limit)
        {
            return limit;
        }
        if (TimeLimit is not null || await _partitionCpus.Value.WaitAsync(cancellationToken).ConfigureAwait(false) is not { } cpus)
        {
            return int.MaxValue;
        }
        return Math.Max(1, WavesBeforePacking * Math.Max(1, cpus / (CpusPerTask(options) ?? 1)));
    }

    /// <inheritdoc />
    public IBatchSession OpenSession(BatchSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Image is { } image && ContainerLauncher is null)
        {
            throw new ArgumentException(
                $"This Slurm backend has no container runtime configured, so it cannot run jobs in image '{image}'. " +
                $"Set {nameof(SlurmBackend)}.{nameof(ContainerLauncher)} (e.g. apptainer exec), or leave image unset to run " +
                "jobs on the nodes' own .NET runtime.", nameof(options));
        }
        var session = new SlurmSession(this, _storage, Storage, options, _monitor.Value, SbatchArgumentsFor(options));
        lock (_sessions)
        {
            _sessions.Add(session);
        }
        return session;
    }

    /// <summary>Cancels every job of every session still queued or running, and stops watching the cluster.</summary>
    public async ValueTask DisposeAsync()
    {
        SlurmSession[] sessions;
        lock (_sessions)
        {
            sessions = [.. _sessions];
            _sessions.Clear();
        }
        foreach (var session in sessions)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
        if (_monitor.IsValueCreated)
        {
            await _monitor.Value.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A session that closed: the backend no longer has to close it.</summary>
    internal void Forget(SlurmSession session)
    {
        lock (_sessions)
        {
            _sessions.Remove(session);
        }
    }

    /// <summary>
    /// Cancels jobs by id. Cancels that arrive while an scancel runs (every job of a failed <c>Map</c>, say) go together
    /// in the next one; the task completes once the ids given here were passed to scancel.
    /// </summary>
    internal Task CancelAsync(IReadOnlyCollection<string> jobIds)
    {
        lock (_cancelGate)
        {
            _cancelsDue.UnionWith(jobIds);
            return _cancelling ??= CancelDueJobsAsync();
        }
    }

    private async Task CancelDueJobsAsync()
    {
        // Return to the caller (who holds the gate and records this task) before looking at the due ids.
        await Task.Yield();
        while (true)
        {
            string[] batch;
            lock (_cancelGate)
            {
                if (_cancelsDue.Count == 0)
                {
                    _cancelling = null;
                    return;
                }
                batch = [.. _cancelsDue];
                _cancelsDue.Clear();
            }
            await Slurm.CancelAsync(batch, CancellationToken.None).ConfigureAwait(false);
        }
    }

    internal IReadOnlyList<string>? ContainerLauncherFor(string? image) =>
        image is null || ContainerLauncher is null
            ? null
            : [.. ContainerLauncher.Select(word => word.Replace("{image}", image, StringComparison.Ordinal).Replace("{storage}", _storage.RootPath, StringComparison.Ordinal))];

    /// <summary>The whole CPUs Slurm allocates to each job (the thread limits inside follow the requested count), or null when none were requested.</summary>
    private static int? CpusPerTask(BatchSessionOptions options) =>
        options.CpusPerJob is { } cpus ? Math.Max(1, (int)Math.Ceiling(cpus.Cores)) : null;

    private List<string> SbatchArgumentsFor(BatchSessionOptions options)
    {
        List<string> arguments =
        [
            $"--job-name={options.ExecutorName}", $"--chdir={_storage.RootPath}", "--no-requeue",
            SlurmJobEnvironment.ExportOption(options.JobEnvironment().Keys, name => Environment.GetEnvironmentVariable(name) is not null),
        ];
        if (CpusPerTask(options) is { } cpus)
        {
            arguments.Add(FormattableString.Invariant($"--cpus-per-task={cpus}"));
        }
        if (MemoryPerJob is not null)
        {
            arguments.Add($"--mem={MemoryPerJob}");
        }
        if (Partition is not null)
        {
            arguments.Add($"--partition={Partition}");
        }
        if (Account is not null)
        {
            arguments.Add($"--account={Account}");
        }
        if (Qos is not null)
        {
            arguments.Add($"--qos={Qos}");
        }
        if (TimeLimit is { } limit)
        {
            var seconds = (long)Math.Ceiling(limit.TotalSeconds);
            arguments.Add(string.Create(CultureInfo.InvariantCulture, $"--time={seconds / 86400}-{seconds / 3600 % 24:00}:{seconds / 60 % 60:00}:{seconds % 60:00}"));
        }
        arguments.AddRange(ExtraSbatchArgs);
        return arguments;
    }

}
