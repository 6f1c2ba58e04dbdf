using System.Diagnostics;

namespace BatchPool.Diagnostics;

/// <summary>
/// What the executor's telemetry keeps of one job while it lives: made only when something listened as it was
/// submitted (a listener, an enabled instrument, a progress handler), else the job carries none and costs nothing.
/// </summary>
/// <param name="operation">The Submit or Map call the job belongs to, when that call is watched.</param>
internal sealed class JobLife(OperationWatch? operation)
{
    public const int Prepared = 0;
    public const int Queued = 1;
    public const int Running = 2;
    public const int Ended = 3;

    /// <summary>One of the constants above; moved with Interlocked, so each transition counts once.</summary>
    public int Stage;

    /// <summary>1 for the first submission; a retry adds one.</summary>
    public int Attempt;

    /// <summary>Timestamps (<see cref="Stopwatch.GetTimestamp"/>) of the latest submission and start.</summary>
    public long QueuedAt;

    public long StartedAt;

    public Activity? Span;

    public OperationWatch? Operation { get; } = operation;
}
