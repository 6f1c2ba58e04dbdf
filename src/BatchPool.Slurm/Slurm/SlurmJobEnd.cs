using BatchPool.Worker;

namespace BatchPool.Backends.Slurm;

/// <summary>What a packed task's job left of its own: whether it marked its start, and the exit code it recorded.</summary>
internal readonly record struct SlurmPackedJobMarks(bool Started, int? ExitCode);

/// <summary>Everything known about an ended job, gathered by the monitor from Slurm and the shared folder.</summary>
/// <param name="TaskId">Slurm's id of the job's array task ("12_3").</param>
/// <param name="TaskExitCode">The exit code the job script recorded, or null when it recorded none.</param>
/// <param name="Slurm">squeue's record of the task, when squeue ended it; null when a status file or Slurm's silence did.</param>
/// <param name="Unlisted">Whether squeue stopped listing the task's array (after its MinJobAge, or a controller that lost it).</param>
/// <param name="LastSqueueError">The last error of squeue, for a job ended by Slurm's silence.</param>
/// <param name="LogTail">The last lines of the task's log, when read.</param>
/// <param name="Packed">A packed task's job's own marks; null for a job that is its task.</param>
internal sealed record SlurmJobEvidence(
    string TaskId,
    int? TaskExitCode,
    SlurmTaskStatus? Slurm,
    bool Unlisted = false,
    string? LastSqueueError = null,
    string? LogTail = null,
    SlurmPackedJobMarks? Packed = null);

/// <summary>
/// What a Slurm job's end means, in BatchPool's terms (<see cref="BatchJobOutcome"/>; <see cref="Retries.JobEndClassifier"/>
/// then decides from it whether it is retried): pure functions of Slurm's state, the job script's exit code, the raw wait
/// status squeue reports, and the log's words for a memory kill.
/// </summary>
internal static class SlurmJobEnd
{
    /// <summary>Whether deciding needs the task's log: not for a packed task's job that recorded a success or a skip.</summary>
    public static bool NeedsLogTail(SlurmPackedJobMarks? packed) =>
        packed?.ExitCode is not (WorkerProtocol.Succeeded or WorkerProtocol.CancelledBeforeStart);

    /// <summary>
    /// How a job ended. A packed task's job that recorded its exit code ended that way; one that started but recorded
    /// nothing was running when the task ended, and ends as the task did; one that never started ends with the task, saying so.
    /// </summary>
    public static BatchJobOutcome Of(SlurmJobEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        if (evidence.Packed is { } marks)
        {
            if (marks.ExitCode is { } jobExitCode)
            {
                return OfPackedJob(jobExitCode, evidence.LogTail);
            }
            if (!marks.Started)
            {
                // Failed, not Cancelled, even when the task was cancelled: to stop a neighbour, or from outside; a job this
                // executor cancelled itself is already done, whatever its outcome says.
                var slurm = evidence.Slurm;
                var why = slurm is null ? "" : $" (Slurm says {slurm.State}, reason {slurm.Reason}, node {slurm.Nodes})";
                return new BatchJobOutcome(BatchJobState.Failed, LogTail: evidence.LogTail,
                    Detail: $"did not start: it shared Slurm array task {evidence.TaskId} with other jobs of its map, and the task ended before reaching it{why}");
            }
        }
        if (evidence.Unlisted && evidence.TaskExitCode is null)
        {
            return new BatchJobOutcome(BatchJobState.Lost, LogTail: evidence.LogTail,
                Detail: $"Slurm no longer lists job {evidence.TaskId}, and the job left no exit status{(evidence.LastSqueueError is { } error ? $" (last squeue error: {error})" : "")}");
        }
        return OfTask(evidence.TaskExitCode, evidence.Slurm, evidence.LogTail);
    }

    /// <summary>A packed task's job that recorded its own exit code: the worker was alive to write it, so Slurm has nothing to add.</summary>
    public static BatchJobOutcome OfPackedJob(int exitCode, string? logTail) => exitCode switch
    {
        WorkerProtocol.Succeeded => new BatchJobOutcome(BatchJobState.Succeeded, exitCode),
        WorkerProtocol.CancelledBeforeStart => new BatchJobOutcome(BatchJobState.Cancelled, exitCode, Detail: "cancelled before it started"),
        _ => new BatchJobOutcome(BatchJobState.Failed, exitCode, LogTail: logTail),
    };

    /// <summary>
    /// The exit code or signal of a job script: its own record (128 + N when its worker died of signal N), else the raw
    /// wait status squeue reports (exit code times 256, or the signal in the low 7 bits).
    /// </summary>
    public static (int? ExitCode, int? Signal) ExitOf(int? recordedCode, int? waitStatus)
    {
        if (recordedCode > 128)
        {
            return (null, recordedCode - 128);
        }
        if (recordedCode is null && waitStatus is { } status)
        {
            return (status & 0x7f) is var signal and not 0 ? (null, signal) : ((status >> 8) & 0xff, null);
        }
        return (recordedCode, null);
    }

    /// <summary>How a job that is its task ended, from its exit status (when it wrote one) and what squeue says (when it was asked).</summary>
    private static BatchJobOutcome OfTask(int? recordedCode, SlurmTaskStatus? slurm, string? log)
    {
        var (exitCode, signal) = ExitOf(recordedCode, slurm?.WaitStatus);
        var state = slurm is null
            ? exitCode == WorkerProtocol.Succeeded ? BatchJobState.Succeeded : BatchJobState.Failed
            : SlurmStates.Classify(slurm.State);
        if (state == BatchJobState.Succeeded && exitCode is not null and not WorkerProtocol.Succeeded)
        {
            state = BatchJobState.Failed;
        }
        if (state is BatchJobState.Failed or BatchJobState.Cancelled && SlurmStates.SaysOutOfMemory(log))
        {
            // Without cgroups, Slurm's memory watchdog kills the job and says so in its log, and the state stays FAILED.
            state = BatchJobState.OutOfMemory;
        }
        var detail = slurm is null ? null : $"Slurm says {slurm.State} (reason {slurm.Reason}) on node {slurm.Nodes}";
        if (exitCode == WorkerProtocol.RuntimeMissing)
        {
            detail = $"the node has no .NET {WorkerDistribution.RuntimeVersion} runtime for the worker" + (detail is null ? "" : $"; {detail}");
        }
        if (state == BatchJobState.OutOfMemory)
        {
            detail = "out of memory: Slurm killed it for exceeding its memory limit" + (detail is null ? "" : $"; {detail}");
        }
        return new BatchJobOutcome(state, exitCode, signal, log, detail);
    }
}
