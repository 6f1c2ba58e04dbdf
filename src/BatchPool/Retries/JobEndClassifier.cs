using BatchPool.Backends;
using BatchPool.Worker;

namespace BatchPool.Retries;

/// <summary>
/// Decides what an ended attempt means (<see cref="JobEndKind"/>) from how its backend saw it end and what its output
/// was: a pure function, the same for every backend (each backend's session turns its engine's words into a
/// <see cref="BatchJobOutcome"/>; this reads only that).
/// </summary>
internal static class JobEndClassifier
{
    /// <summary>Classifies one ended attempt.</summary>
    /// <param name="outcome">How the backend saw the attempt end.</param>
    /// <param name="output">What the executor found of its output.</param>
    /// <param name="timedOutHere">Whether this executor stopped it for running past its per-job timeout.</param>
    public static JobEndKind Classify(BatchJobOutcome outcome, OutputCheck output, bool timedOutHere = false)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (timedOutHere)
        {
            return JobEndKind.TimedOut;
        }
        switch (output)
        {
            case OutputCheck.Read:
                // What the function threw travels in the output: a call's error is the user's, and is never retried.
                return JobEndKind.Succeeded;
            case OutputCheck.Incomplete:
                return JobEndKind.UserError;
            case OutputCheck.Rejected or OutputCheck.Unreadable:
                // A result file cut short or altered, or storage that failed: nothing the function did.
                return JobEndKind.InfrastructureLost;
        }
        return outcome.State switch
        {
            BatchJobState.Cancelled => JobEndKind.Cancelled,
            BatchJobState.TimedOut => JobEndKind.TimedOut,
            BatchJobState.OutOfMemory => JobEndKind.OutOfMemory,
            BatchJobState.Lost => JobEndKind.InfrastructureLost,
            // Exit code 0 and no output: the output went missing in storage.
            BatchJobState.Succeeded => JobEndKind.InfrastructureLost,
            _ => ClassifyFailure(outcome),
        };
    }

    private static JobEndKind ClassifyFailure(BatchJobOutcome outcome)
    {
        if (outcome.Signal is not null)
        {
            // A signal this executor did not send (its own cancels end as Cancelled): kill -9, docker kill, the
            // kernel's OOM killer without a memory limit of ours, a node going down.
            return JobEndKind.InfrastructureLost;
        }
        return outcome.ExitCode switch
        {
            // Neither exit code nor signal: the engine could not create or start it, or lost track of it.
            null => JobEndKind.InfrastructureLost,
            // The worker could not write its output (a full disk, storage that failed).
            WorkerProtocol.OutputNotWritten => JobEndKind.InfrastructureLost,
            // The worker found its client's lease stale and gave up: nothing the function did.
            WorkerProtocol.ClientGone => JobEndKind.InfrastructureLost,
            // 128 + N is a shell's or an engine's way to say "killed by signal N".
            > 128 and < 128 + 65 => JobEndKind.InfrastructureLost,
            // Bad arguments, a refused input, a missing runtime, the function exiting the process: the same again.
            _ => JobEndKind.UserError,
        };
    }
}
