using BatchPool.Worker;

namespace BatchPool.Backends.Local;

/// <summary>
/// What a local worker's words, or its death, mean for the job it was running: pure functions from what the slot knows
/// (an answer's exit code, the process's exit code, whether it was killed on purpose and for which job) to the
/// <see cref="BatchJobOutcome"/> the job reports. What that outcome then means for the executor (succeeded, the user's
/// error, lost and retried, cancelled) is <see cref="Retries.JobEndClassifier"/>'s, the same for every backend.
/// </summary>
internal static class LocalWorkerEnd
{
    /// <summary>The outcome of a job the worker answered: its exit code, and the output when it came inline.</summary>
    /// <param name="exitCode">The job's exit code, as the worker answered it.</param>
    /// <param name="output">The job's output, when it came back inline.</param>
    /// <param name="log">The worker's log since its last answer (read only when the job failed).</param>
    public static BatchJobOutcome OfAnswer(int exitCode, ReadOnlyMemory<byte> output, LogTail log) => exitCode switch
    {
        WorkerProtocol.Succeeded => new BatchJobOutcome(BatchJobState.Succeeded, exitCode, Output: output),
        WorkerProtocol.CancelledBeforeStart => new BatchJobOutcome(BatchJobState.Cancelled, Detail: "cancelled before it started"),
        _ => new BatchJobOutcome(BatchJobState.Failed, exitCode, LogTail: log.ToString(), Output: output),
    };

    /// <summary>The outcome of the job a worker was running when its process ended.</summary>
    /// <param name="processId">The worker's process id, for the words.</param>
    /// <param name="exitCode">The process's exit code (on Unix, 128 + N for a process killed by signal N).</param>
    /// <param name="killedOnPurpose">Whether this session killed it (a cancel, the session closing).</param>
    /// <param name="logTail">The tail of the worker's log.</param>
    /// <param name="signalsAsExitCodes">Whether exit codes above 128 are signals (Unix).</param>
    public static BatchJobOutcome OfExit(int processId, int exitCode, bool killedOnPurpose, string logTail, bool signalsAsExitCodes)
    {
        int? signal = signalsAsExitCodes && exitCode > 128 ? exitCode - 128 : null;
        var detail = signal switch
        {
            9 when !killedOnPurpose => $"the worker process {processId} was killed by SIGKILL (the kernel's out-of-memory killer sends it)",
            { } s => $"the worker process {processId} was killed by signal {s}",
            null => $"the worker process {processId} exited with code {exitCode} in the middle of the job",
        };
        return new BatchJobOutcome(killedOnPurpose ? BatchJobState.Cancelled : BatchJobState.Failed, signal is null ? exitCode : null, signal, logTail, detail);
    }

    /// <summary>
    /// The outcome the job at the head of a slot reports, from its worker's reply: a worker killed to cancel a job that
    /// had ended meanwhile dies running the next one, which is then lost (and retried), not cancelled.
    /// </summary>
    /// <param name="reply">What the worker said, or how it died.</param>
    /// <param name="killedForThisJob">Whether the worker was killed to cancel this very job.</param>
    public static BatchJobOutcome OfHeadJob(WorkerReply reply, bool killedForThisJob)
    {
        var outcome = reply.Outcome ?? throw new ArgumentException("a reply about a job's end carries its outcome", nameof(reply));
        return !killedForThisJob && reply.Kind == WorkerReplyKind.Died && outcome.State == BatchJobState.Cancelled
            ? outcome with { State = BatchJobState.Lost, Detail = $"{outcome.Detail}: stopped to cancel the job before it, whose end raced the cancel" }
            : outcome;
    }
}
