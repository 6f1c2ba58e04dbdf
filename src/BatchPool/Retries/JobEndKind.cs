namespace BatchPool.Retries;

/// <summary>What an ended attempt of a job means for its calls: the one word the retry decision reads.</summary>
internal enum JobEndKind
{
    /// <summary>It wrote every call's outcome (a call's own exception included): taken, never retried.</summary>
    Succeeded,

    /// <summary>The worker itself said no (a non-zero exit code of its own, a refused input, too few outcomes): not retried.</summary>
    UserError,

    /// <summary>Lost to the infrastructure: a signal we did not send, a lost node, an engine that could not start it,
    /// storage that failed or a result file that does not authenticate. Retried.</summary>
    InfrastructureLost,

    /// <summary>Cancelled, by this executor or outside it: not retried.</summary>
    Cancelled,

    /// <summary>Killed for its memory: retried, as Ray retries tasks killed by its memory monitor.</summary>
    OutOfMemory,

    /// <summary>Ran past a time limit (the executor's per-job timeout or the scheduler's): not retried.</summary>
    TimedOut,
}
