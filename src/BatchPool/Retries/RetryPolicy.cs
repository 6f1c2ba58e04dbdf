namespace BatchPool.Retries;

/// <summary>
/// When a job is run again, and after how long: the one retry policy of every backend. A small type of ours rather than
/// Polly's pipeline: the executor learns of a job's end through a callback per job, not an awaited call to wrap, and the
/// decision needs only an attempt count and a <see cref="JobEndKind"/>.
/// </summary>
internal sealed class RetryPolicy
{
    /// <summary>The delay before the second attempt; each later one doubles it, up to <see cref="MaxDelay"/>.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between two attempts.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    /// <summary>Creates the policy.</summary>
    /// <param name="maxAttempts">How many times a job may run in all; at least 1 (1: never retried).</param>
    public RetryPolicy(int maxAttempts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        MaxAttempts = maxAttempts;
    }

    /// <summary>How many times a job may run in all.</summary>
    public int MaxAttempts { get; }

    /// <summary>Whether an end of this kind is one to retry at all.</summary>
    public static bool IsRetryable(JobEndKind kind) => kind is JobEndKind.InfrastructureLost or JobEndKind.OutOfMemory;

    /// <summary>Whether a job whose attempt number <paramref name="attemptsMade"/> ended as <paramref name="kind"/> runs again.</summary>
    public bool ShouldRetry(JobEndKind kind, int attemptsMade) => ShouldRetry(kind, attemptsMade, MaxAttempts);

    /// <summary>
    /// Whether a job that may run <paramref name="maxAttempts"/> times in all (its Submit's or Map's own, else its
    /// executor's), whose attempt number <paramref name="attemptsMade"/> ended as <paramref name="kind"/>, runs again.
    /// </summary>
    public static bool ShouldRetry(JobEndKind kind, int attemptsMade, int maxAttempts) => IsRetryable(kind) && attemptsMade < maxAttempts;

    /// <summary>How long to wait before attempt number <paramref name="nextAttempt"/> (2 or more): 0.2 s, 0.4 s, 0.8 s, ... up to 10 s.</summary>
    public static TimeSpan DelayBefore(int nextAttempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nextAttempt, 2);
        var doublings = Math.Min(nextAttempt - 2, 16);
        var delay = FirstDelay * (1L << doublings);
        return delay < MaxDelay ? delay : MaxDelay;
    }
}
