namespace BatchPool.Retries;

/// <summary>What the executor found when it looked for an ended attempt's output.</summary>
internal enum OutputCheck
{
    /// <summary>An authenticated output with an outcome for every call (or up to the call that threw).</summary>
    Read,

    /// <summary>No output: the worker never wrote it.</summary>
    Missing,

    /// <summary>An output that does not authenticate or decode (truncated, tampered with): never deserialized.</summary>
    Rejected,

    /// <summary>Storage failed while reading it.</summary>
    Unreadable,

    /// <summary>An authenticated output with fewer outcomes than calls.</summary>
    Incomplete,

    /// <summary>Not looked for: the attempt was cancelled.</summary>
    NotLookedFor,
}
