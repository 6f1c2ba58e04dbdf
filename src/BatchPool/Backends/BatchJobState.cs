namespace BatchPool.Backends;

/// <summary>Where a job is in its life.</summary>
public enum BatchJobState
{
    /// <summary>Accepted by the engine, not yet started.</summary>
    Queued,

    /// <summary>Its worker runs.</summary>
    Running,

    /// <summary>Its worker exited with code 0.</summary>
    Succeeded,

    /// <summary>Its worker exited with a non-zero code, or was killed by a signal.</summary>
    Failed,

    /// <summary>Killed for using more memory than it was allowed.</summary>
    OutOfMemory,

    /// <summary>Killed for running past its time limit.</summary>
    TimedOut,

    /// <summary>Lost with the machine or worker process that ran it.</summary>
    Lost,

    /// <summary>Cancelled, by this program or outside it.</summary>
    Cancelled,
}
