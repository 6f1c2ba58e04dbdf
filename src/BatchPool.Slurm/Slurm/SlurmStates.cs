namespace BatchPool.Backends.Slurm;

/// <summary>Slurm's job states and log lines, in BatchPool's terms.</summary>
internal static class SlurmStates
{
    public static BatchJobState Classify(string slurmState) => slurmState switch
    {
        "PENDING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "RESV_DEL_HOLD" => BatchJobState.Queued,
        "COMPLETED" => BatchJobState.Succeeded,
        "FAILED" => BatchJobState.Failed,
        "OUT_OF_MEMORY" => BatchJobState.OutOfMemory,
        "TIMEOUT" or "DEADLINE" => BatchJobState.TimedOut,
        "NODE_FAIL" or "BOOT_FAIL" => BatchJobState.Lost,
        "CANCELLED" or "PREEMPTED" or "REVOKED" => BatchJobState.Cancelled,
        // RUNNING, COMPLETING, CONFIGURING, SUSPENDED, STOPPED, RESIZING, SIGNALING, STAGE_OUT: not over yet.
        _ => BatchJobState.Running,
    };

    /// <summary>Whether a job's log carries slurmstepd's words for a job killed over its memory limit.</summary>
    public static bool SaysOutOfMemory(string? log) =>
        log is not null && (log.Contains("Exceeded job memory limit", StringComparison.OrdinalIgnoreCase)
                            || log.Contains("exceeded memory limit", StringComparison.OrdinalIgnoreCase)
                            || log.Contains("oom-kill", StringComparison.OrdinalIgnoreCase));
}
