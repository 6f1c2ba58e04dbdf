using System.Text;
using BatchPool.Backends;

namespace BatchPool;

/// <summary>
/// A job died without giving its calls' results: its worker exited non-zero, was killed (out of memory, a signal, a time
/// limit), was lost, or wrote no output. Carries what the backend knows, its log tail included.
/// </summary>
public sealed class BatchJobFailedException : Exception
{
    /// <summary>Creates the exception from a job's outcome.</summary>
    /// <param name="jobId">The engine's job id.</param>
    /// <param name="jobName">The job's name.</param>
    /// <param name="outcome">How the backend saw the job end.</param>
    /// <param name="reason">What is wrong, in a few words ("did not write its output", ...).</param>
    public BatchJobFailedException(string jobId, string jobName, BatchJobOutcome outcome, string reason)
        : this(jobId, jobName, outcome, reason, [])
    {
    }

    /// <summary>Creates the exception from a job's last outcome and every attempt it made.</summary>
    /// <param name="jobId">The engine's id of the last attempt's job.</param>
    /// <param name="jobName">The job's name.</param>
    /// <param name="outcome">How the backend saw the last attempt end.</param>
    /// <param name="reason">What is wrong with the last attempt, in a few words.</param>
    /// <param name="attempts">Every attempt, in order; the last is the one <paramref name="outcome"/> describes.</param>
    public BatchJobFailedException(string jobId, string jobName, BatchJobOutcome outcome, string reason, IReadOnlyList<BatchJobAttempt> attempts)
        : base(Describe(jobId, jobName, outcome, reason, attempts))
    {
        ArgumentNullException.ThrowIfNull(attempts);
        Attempts = attempts;
        ArgumentNullException.ThrowIfNull(outcome);
        JobId = jobId;
        JobName = jobName;
        State = outcome.State;
        ExitCode = outcome.ExitCode;
        Signal = outcome.Signal;
        LogTail = outcome.LogTail;
        Detail = outcome.Detail;
    }

    /// <summary>The engine's job id (of the last attempt).</summary>
    public string JobId { get; }

    /// <summary>Every attempt the job made, in order, with its cause; empty when none was recorded.</summary>
    public IReadOnlyList<BatchJobAttempt> Attempts { get; } = [];

    /// <summary>The job's name.</summary>
    public string JobName { get; }

    /// <summary>The job's final state.</summary>
    public BatchJobState State { get; }

    /// <summary>The worker's exit code, when it exited.</summary>
    public int? ExitCode { get; }

    /// <summary>The signal that killed the worker, when one did.</summary>
    public int? Signal { get; }

    /// <summary>The last lines of the job's log, when the backend had them.</summary>
    public string? LogTail { get; }

    /// <summary>The engine's own words about the job's end, when any.</summary>
    public string? Detail { get; }

    private static string? SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => null,
    };

    private static string Describe(string jobId, string jobName, BatchJobOutcome outcome, string reason, IReadOnlyList<BatchJobAttempt> attempts)
    {
        var text = new StringBuilder($"submitted job failed: job {jobId} ({jobName}) {reason}; state {outcome.State}");
        if (outcome.ExitCode is { } code)
        {
            text.Append(", exit code ").Append(code);
        }
        if (outcome.Signal is { } signal)
        {
            text.Append(", killed by signal ").Append(signal);
            if (SignalName(signal) is { } name)
            {
                text.Append(" (").Append(name).Append(')');
            }
        }
        if (!string.IsNullOrWhiteSpace(outcome.Detail))
        {
            text.Append(". ").Append(outcome.Detail.Trim());
        }
        if (attempts.Count > 1)
        {
            text.Append(". It ran ").Append(attempts.Count).Append(" times:");
            foreach (var attempt in attempts)
            {
                text.Append("\n  ").Append(attempt);
            }
            text.Append('\n');
        }
        text.Append(string.IsNullOrWhiteSpace(outcome.LogTail) ? ". The job's log is empty." : $". Log tail:\n{outcome.LogTail.TrimEnd()}");
        return text.ToString();
    }
}
