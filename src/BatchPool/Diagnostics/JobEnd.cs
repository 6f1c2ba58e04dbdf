namespace BatchPool.Diagnostics;

/// <summary>How a job ended, as its future saw it.</summary>
internal enum JobEnd
{
    /// <summary>Every call returned.</summary>
    Succeeded,

    /// <summary>The job died, could not be submitted, or its function threw.</summary>
    Failed,

    /// <summary>Cancelled before it ended.</summary>
    Cancelled,
}
