namespace BatchPool;

/// <summary>
/// Where an executor's jobs (or one <c>Map</c>'s) are: how many wait, run and ended each way, how long it has been, and
/// an estimate of the time left. Reported to an <see cref="IProgress{T}"/> at most about every 100 ms while jobs change,
/// and once more when the last job ended (see <see cref="BatchPoolExecutorOptions.Progress"/> and <c>Map</c>'s
/// <c>progress</c>); <see cref="ConsoleProgressBar"/> draws it.
/// </summary>
/// <remarks>Counts are of jobs: a <c>Map</c> with <c>chunksize</c> 10 over 100 items has 10.</remarks>
public sealed class BatchPoolProgress
{
    /// <summary>Creates a report.</summary>
    /// <param name="queued">Jobs submitted that have not started.</param>
    /// <param name="running">Jobs that run.</param>
    /// <param name="succeeded">Jobs whose calls all returned.</param>
    /// <param name="failed">Jobs that died, could not be submitted, or whose function threw.</param>
    /// <param name="cancelled">Jobs cancelled before they ended.</param>
    /// <param name="retried">How many times jobs were submitted again after an attempt was lost (counted apart: a retried job is queued or running again).</param>
    /// <param name="elapsed">The time since the first of these jobs was submitted.</param>
    public BatchPoolProgress(int queued, int running, int succeeded, int failed, int cancelled, int retried, TimeSpan elapsed)
    {
        Queued = queued;
        Running = running;
        Succeeded = succeeded;
        Failed = failed;
        Cancelled = cancelled;
        Retried = retried;
        Elapsed = elapsed;
    }

    /// <summary>Jobs submitted that have not started.</summary>
    public int Queued { get; }

    /// <summary>Jobs that run.</summary>
    public int Running { get; }

    /// <summary>Jobs whose calls all returned.</summary>
    public int Succeeded { get; }

    /// <summary>Jobs that died, could not be submitted, or whose function threw.</summary>
    public int Failed { get; }

    /// <summary>Jobs cancelled before they ended.</summary>
    public int Cancelled { get; }

    /// <summary>How many times jobs were submitted again after an attempt was lost.</summary>
    public int Retried { get; }

    /// <summary>The time since the first of these jobs was submitted.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Every job counted: queued, running or ended.</summary>
    public int Total => Queued + Running + Ended;

    /// <summary>The jobs that ended, however they did.</summary>
    public int Ended => Succeeded + Failed + Cancelled;

    /// <summary>True when no job is queued or running: the last report of a <c>Map</c>, or an executor with nothing to do.</summary>
    public bool IsComplete => Queued == 0 && Running == 0;

    /// <summary>
    /// The time left if the jobs that have not ended go at the average pace of those that did; null before the first
    /// ended, zero when none is left.
    /// </summary>
    public TimeSpan? EstimatedRemaining => Ended == 0
        ? (IsComplete ? TimeSpan.Zero : null)
        : TimeSpan.FromTicks((long)((double)Elapsed.Ticks * (Queued + Running) / Ended));

    /// <inheritdoc />
    public override string ToString() =>
        $"{Ended}/{Total} jobs ended ({Succeeded} succeeded, {Failed} failed, {Cancelled} cancelled), {Running} running, {Queued} queued, {Retried} retried; {Elapsed}";
}
