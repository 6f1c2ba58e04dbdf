namespace BatchPool.Status;

/// <summary>
/// An executor's status document, <c>status.json</c> in its folder: what its client last saw of its jobs. Rewritten by the
/// client (atomically, at most about once a second), read by the <c>batchpool</c> tool and the dashboard, from any process
/// or machine that sees the folder, also after the client exited. The schema is in <c>docs/status-document.md</c>.
/// </summary>
public sealed record ExecutorStatus
{
    /// <summary>The schema this library writes and reads; a reader refuses a newer one.</summary>
    public const int CurrentSchema = 1;

    /// <summary>The document's schema version.</summary>
    public int Schema { get; init; } = CurrentSchema;

    /// <summary>The executor's name (its folder's name).</summary>
    public required string Name { get; init; }

    /// <summary>The backend's kind: <c>local</c>, <c>slurm</c>, <c>docker</c>, or another backend's type name.</summary>
    public required string Backend { get; init; }

    /// <summary>The storage's locator (<c>file:///...</c>).</summary>
    public required string Storage { get; init; }

    /// <summary>The client process that runs the executor.</summary>
    public required ClientInfo Client { get; init; }

    /// <summary>When the executor was created.</summary>
    public DateTimeOffset Started { get; init; }

    /// <summary>When the client last wrote the document: every second while jobs change, every 5 seconds otherwise.</summary>
    public DateTimeOffset Updated { get; init; }

    /// <summary>When the executor shut down (its last document), or null while it is open.</summary>
    public DateTimeOffset? Ended { get; init; }

    /// <summary>How many jobs are in each state.</summary>
    public required StatusCounts Counts { get; init; }

    /// <summary>Every job the executor submitted, in order.</summary>
    public required IReadOnlyList<JobStatus> Jobs { get; init; }
}

/// <summary>The process that runs an executor.</summary>
/// <param name="Host">The machine's name.</param>
/// <param name="ProcessId">The process's id.</param>
/// <param name="ProcessStarted">When the process started (tells a reused process id apart).</param>
public sealed record ClientInfo(string Host, int ProcessId, DateTimeOffset ProcessStarted);

/// <summary>How many jobs are in each state (<see cref="JobStates"/>).</summary>
/// <param name="Queued">Submitted, not started.</param>
/// <param name="Running">Running.</param>
/// <param name="Succeeded">Ended, every call returned.</param>
/// <param name="Failed">Ended with a call that threw, or a job that failed (died, timed out, lost).</param>
/// <param name="Cancelled">Cancelled.</param>
public sealed record StatusCounts(int Queued, int Running, int Succeeded, int Failed, int Cancelled)
{
    /// <summary>Every job.</summary>
    public int Total => Queued + Running + Succeeded + Failed + Cancelled;

    /// <summary>The jobs that ended.</summary>
    public int Done => Succeeded + Failed + Cancelled;

    /// <summary>Counts the states of <paramref name="jobs"/>.</summary>
    /// <param name="jobs">The jobs.</param>
    public static StatusCounts Of(IEnumerable<JobStatus> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        int queued = 0, running = 0, succeeded = 0, failed = 0, cancelled = 0;
        foreach (var job in jobs)
        {
            switch (job.State)
            {
                case JobStates.Queued: queued++; break;
                case JobStates.Running: running++; break;
                case JobStates.Succeeded: succeeded++; break;
                case JobStates.Cancelled: cancelled++; break;
                default: failed++; break;
            }
        }
        return new StatusCounts(queued, running, succeeded, failed, cancelled);
    }
}

/// <summary>One job of an executor (one <c>Submit</c>, or one chunk of a <c>Map</c>).</summary>
/// <param name="Call">The job's call name: its logs are <c>logs/{Call}.{index}.log</c> (and <c>logs/{Call}.log</c>).</param>
/// <param name="Calls">How many calls the job runs (a chunk's size).</param>
/// <param name="State">One of <see cref="JobStates"/>.</param>
/// <param name="Attempts">How many times the job was started (1 until retries exist).</param>
/// <param name="EngineId">The backend's id of the job (a Slurm job id, a container's id), once submitted.</param>
/// <param name="Submitted">When the executor submitted it.</param>
/// <param name="Started">When it started running, if it did.</param>
/// <param name="Ended">When it ended, if it did.</param>
/// <param name="Location">Where it ran: a node, a container, a worker process; when the backend says.</param>
/// <param name="Error">For a failed job: the exception's type and message, first line.</param>
public sealed record JobStatus(
    string Call,
    int Calls,
    string State,
    int Attempts,
    string? EngineId,
    DateTimeOffset Submitted,
    DateTimeOffset? Started,
    DateTimeOffset? Ended,
    string? Location,
    string? Error)
{
    /// <summary>How long it ran (or runs, as of <paramref name="now"/>); null before it started.</summary>
    /// <param name="now">The time for a job still running.</param>
    public TimeSpan? Duration(DateTimeOffset now) => Started is { } started ? (Ended ?? now) - started : null;
}

/// <summary>The states of <see cref="JobStatus.State"/>.</summary>
public static class JobStates
{
    /// <summary>Submitted, not started.</summary>
    public const string Queued = "queued";

    /// <summary>Running.</summary>
    public const string Running = "running";

    /// <summary>Every call returned.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>A call threw, or the job failed.</summary>
    public const string Failed = "failed";

    /// <summary>Cancelled.</summary>
    public const string Cancelled = "cancelled";
}
