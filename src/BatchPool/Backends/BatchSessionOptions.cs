using BatchPool.Worker;

namespace BatchPool.Backends;

/// <summary>What an executor asks of a backend for all of its jobs.</summary>
public sealed class BatchSessionOptions
{
    /// <summary>Creates the options.</summary>
    /// <param name="executorName">The executor's name; job names start with it.</param>
    /// <param name="worker">Where the worker program is on this machine.</param>
    /// <param name="secret">The key that authenticates payloads; see <see cref="Secret"/>.</param>
    public BatchSessionOptions(string executorName, WorkerDistribution worker, ReadOnlyMemory<byte> secret)
    {
        ExecutorName = executorName;
        Worker = worker;
        Secret = secret;
    }

    /// <summary>The executor's name.</summary>
    public string ExecutorName { get; }

    /// <summary>Where the worker program is on this machine; a remote backend ships it to its jobs.</summary>
    public WorkerDistribution Worker { get; }

    /// <summary>
    /// The key that authenticates every payload. A backend hands it to its workers out of band (standard input, an
    /// environment variable of the job): never in storage, never in a log.
    /// </summary>
    public ReadOnlyMemory<byte> Secret { get; }

    /// <summary>The container image for each job, when the user chose one.</summary>
    public string? Image { get; init; }

    /// <summary>The cores to request for each job; null requests none (and limits threads to 1).</summary>
    public CpuCount? CpusPerJob { get; init; }

    /// <summary>The cloud project, for backends whose storage authenticates per project.</summary>
    public string? Project { get; init; }

    /// <summary>
    /// Whether the session's jobs may outlive this program. False (the default): a backend whose jobs would run on
    /// without their program stops them once it is gone, by any means (see <see cref="FateSharing.ProgramEndWatcher"/>).
    /// </summary>
    public bool JobsOutliveProgram { get; init; }

    /// <summary>
    /// The executor's <c>cleanupBucket</c>: whether it deletes its folder in <see cref="IBatchBackend.Storage"/> once it has
    /// shut down. A session that keeps files of its own elsewhere (Slurm's shared folder beside a bucket) deletes them
    /// when it closes, exactly when this is true.
    /// </summary>
    internal bool CleanupBucket { get; init; }

    /// <summary>Environment variables every job's worker must see (thread limits, for instance).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Every variable a worker started by the <c>run</c> command needs: <see cref="Environment"/> and the secret. A remote
    /// backend hands them to the engine as the job's environment; they must never be written to storage or to a log.
    /// </summary>
    public IReadOnlyDictionary<string, string> JobEnvironment() =>
        new Dictionary<string, string>(Environment) { [WorkerProtocol.SecretVariable] = Convert.ToBase64String(Secret.Span) };
}
