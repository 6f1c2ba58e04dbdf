using BatchPool.Configuration;
using Microsoft.Extensions.Logging;

namespace BatchPool;

/// <summary>
/// The settings of a <see cref="BatchPoolExecutor"/>, the same as its constructor's parameters, for code that builds them
/// up or reads them from configuration (the section's keys have these names: <c>BatchPool:CpusPerJob</c>).
/// </summary>
public sealed class BatchPoolExecutorOptions
{
    /// <summary>A name for the executor; job names start with it. Default: <c>BatchPoolExecutor-</c> and 4 random characters.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// The backend that runs the jobs. Default: the one the <c>BATCHPOOL_BACKEND</c> environment variable describes, else a
    /// <see cref="LocalBackend"/>; either is then owned and disposed by the executor. A backend given here is not.
    /// </summary>
    public IBatchBackend? Backend { get; set; }

    /// <summary>The container image for each job, on backends that run containers. Default: the backend's.</summary>
    public string? Image { get; set; }

    /// <summary>The cores for each job (<c>2</c>, <c>0.5</c>, <c>"250m"</c>). Default: none requested, and threads limited to 1.</summary>
    public CpuCount? CpusPerJob { get; set; }

    /// <summary>Whether disposing the executor waits for every job to finish. Default true.</summary>
    public bool WaitOnExit { get; set; } = true;

    /// <summary>Whether the executor's folder in storage is deleted once it has shut down and every job ended. Default true.</summary>
    public bool CleanupBucket { get; set; } = true;

    /// <summary>The cloud project, for backends whose storage authenticates per project.</summary>
    public string? Project { get; set; }

    /// <summary>
    /// The names of environment variables of this process that every job's worker gets too (their values as they are here at
    /// the executor's start): the credentials workers need to reach a bucket on a remote backend, for instance
    /// <c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c> or <c>AZURE_STORAGE_CONNECTION_STRING</c>. Jobs get no other
    /// variable of this process, but for what a Slurm job's worker needs to start (<c>PATH</c>, <c>HOME</c>,
    /// <c>DOTNET_ROOT</c>); local workers, on this machine, inherit its whole environment. A name that is not set here is
    /// skipped. From text, names separated by spaces.
    /// </summary>
    public IList<string> PassEnvironment { get; set; } = [];

    /// <summary>
    /// How many times a job may run in all when it is lost to the infrastructure (its worker process, container or node
    /// died without writing a result, the engine could not start it, storage failed, its result file did not
    /// authenticate). Default 3; 1 never retries. An exception the function throws is never retried. A retried call may
    /// run twice (the lost attempt may have done part of its work); its result is taken once, from the attempt that
    /// completes.
    /// </summary>
    public int MaxAttempts { get; set; } = DefaultMaxAttempts;

    /// <summary>
    /// How long one job may run, from when its backend starts it, before the executor stops it and fails its futures with
    /// a <see cref="BatchJobFailedException"/> in state <see cref="Backends.BatchJobState.TimedOut"/> (not retried).
    /// Checked about once a second. Default: no limit.
    /// </summary>
    public TimeSpan? JobTimeout { get; set; }

    /// <summary>
    /// Whether SIGINT and SIGTERM (Ctrl+C, <c>kill</c>, <c>docker stop</c>, Slurm cancelling this program's own job) stop
    /// the program the executor's way: running jobs are cancelled, the folder is cleaned as <see cref="CleanupBucket"/>
    /// says, then the process exits with 130 (SIGINT) or 143 (SIGTERM). Default true; false for programs that handle those
    /// signals themselves.
    /// </summary>
    public bool HandleSignals { get; set; } = true;

    /// <summary>
    /// Whether the executor's jobs may outlive this program. Default false: when the program ends, by any means (SIGKILL
    /// included), a watcher process started with the executor stops every job it left (containers removed, Slurm jobs
    /// cancelled; local workers stop with their client in any case). True keeps Hail's service behaviour: jobs run on and
    /// the executor's folder stays. Such jobs are found by the executor's name: containers carry the label
    /// <c>batchpool.executor=NAME</c> (<c>docker rm -f $(docker ps -aq --filter label=batchpool.executor=NAME)</c>), Slurm jobs
    /// are named NAME (<c>scancel --name NAME</c>); local workers cannot outlive their client.
    /// </summary>
    public bool JobsOutliveProgram { get; set; }

    /// <summary>The default of <see cref="MaxAttempts"/>.</summary>
    public const int DefaultMaxAttempts = 3;

    /// <summary>Where the executor logs (its start and stop, jobs that failed, backend errors). Default: nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// Where the executor reports the progress of all its jobs (at most about every 100 ms while they change, and once
    /// when it has shut down), e.g. <c>new ConsoleProgressBar()</c>. Default: nowhere. A <c>Map</c> can report its own.
    /// </summary>
    public IProgress<BatchPoolProgress>? Progress { get; set; }

    /// <summary>A copy, to which a factory's defaults can be applied without changing them.</summary>
    internal BatchPoolExecutorOptions Clone()
    {
        var copy = (BatchPoolExecutorOptions)MemberwiseClone();
        copy.PassEnvironment = [.. PassEnvironment];
        return copy;
    }

    /// <summary>Throws <see cref="BatchPoolSettingException"/> for a value the executor cannot take, naming it as <paramref name="keyOf"/> does.</summary>
    internal void Validate(Func<string, string> keyOf)
    {
        if (Name is not null && !Client.CallNames.IsValidExecutorName(Name))
        {
            throw new BatchPoolSettingException(keyOf(nameof(Name)), Name, Client.CallNames.ExecutorNameRule);
        }
        if (CpusPerJob is { IsValid: false } cpus)
        {
            throw new BatchPoolSettingException(keyOf(nameof(CpusPerJob)), cpus.Text, CpuCount.Accepted);
        }
        if (PassEnvironment.FirstOrDefault(name => string.IsNullOrWhiteSpace(name) || name.Contains('=', StringComparison.Ordinal)) is { } badName)
        {
            throw new BatchPoolSettingException(keyOf(nameof(PassEnvironment)), badName, "names of environment variables, without '='.");
        }
        if (Image is not null && string.IsNullOrWhiteSpace(Image))
        {
            throw new BatchPoolSettingException(keyOf(nameof(Image)), Image, "an image name, or no setting for the backend's default image.");
        }
        if (MaxAttempts < 1)
        {
            throw new BatchPoolSettingException(keyOf(nameof(MaxAttempts)), MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "a whole number of 1 or more: how many times a job lost to the infrastructure may run in all (1 never retries).");
        }
        if (JobTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new BatchPoolSettingException(keyOf(nameof(JobTimeout)), timeout.ToString(),
                "a duration above zero (\"30s\", \"10m\", \"1:30:00\"), or no setting for no limit.");
        }
    }

    /// <summary>Applies the settings <paramref name="settings"/> holds to these options.</summary>
    internal void Read(SettingSource settings)
    {
        Name = settings.ReadText(nameof(Name)) ?? Name;
        Image = settings.ReadText(nameof(Image)) ?? Image;
        CpusPerJob = settings.ReadCpuCount(nameof(CpusPerJob)) ?? CpusPerJob;
        WaitOnExit = settings.ReadBool(nameof(WaitOnExit)) ?? WaitOnExit;
        CleanupBucket = settings.ReadBool(nameof(CleanupBucket)) ?? CleanupBucket;
        Project = settings.ReadText(nameof(Project)) ?? Project;
        PassEnvironment = settings.ReadWords(nameof(PassEnvironment)) ?? PassEnvironment;
        MaxAttempts = settings.ReadPositiveInt(nameof(MaxAttempts)) ?? MaxAttempts;
        JobTimeout = settings.ReadDuration(nameof(JobTimeout), TimeSpan.FromSeconds(1)) ?? JobTimeout;
        HandleSignals = settings.ReadBool(nameof(HandleSignals)) ?? HandleSignals;
        JobsOutliveProgram = settings.ReadBool(nameof(JobsOutliveProgram)) ?? JobsOutliveProgram;
        Validate(settings.KeyOf);
    }
}
