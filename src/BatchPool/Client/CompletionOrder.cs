using System.Diagnostics;
using System.Threading.Channels;

namespace BatchPool.Client;

/// <summary>
/// Futures in the order they complete, within a time limit that starts when this is created: what
/// <see cref="BatchPoolFutures"/>' <c>AsCompleted</c> and <c>Wait</c>, blocking and asynchronous, are built on. The
/// futures already done come first, in the order given; then each as it completes.
/// </summary>
/// <typeparam name="TFuture">The futures' type.</typeparam>
internal sealed class CompletionOrder<TFuture>
    where TFuture : BatchPoolFuture
{
    private readonly Channel<TFuture> _completed = Channel.CreateUnbounded<TFuture>();
    private readonly long _deadline;
    private int _taken;

    /// <summary>Starts watching <paramref name="futures"/> (distinct, see <see cref="Distinct"/>).</summary>
    /// <param name="futures">The futures.</param>
    /// <param name="timeout">How long <see cref="TryTake"/> and <see cref="TakeAsync"/> wait in all; null: as long as it takes.</param>
    public CompletionOrder(IReadOnlyList<TFuture> futures, TimeSpan? timeout)
    {
        Futures = futures;
        _deadline = DeadlineAfter(timeout);
        foreach (var future in futures)
        {
            future.Completion.ContinueWith(
                static (_, state) =>
                {
                    var (order, done) = ((CompletionOrder<TFuture>, TFuture))state!;
                    order._completed.Writer.TryWrite(done);
                },
                (this, future),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    /// <summary>The futures watched.</summary>
    public IReadOnlyList<TFuture> Futures { get; }

    /// <summary>How many of the futures have not been taken yet.</summary>
    public int Left => Futures.Count - _taken;

    /// <summary>
    /// The futures of <paramref name="futures"/>, each once (the first time it appears), as <c>concurrent.futures</c>
    /// makes a set of them. Throws, before anything is watched, for a missing sequence, a null future or a bad timeout.
    /// </summary>
    public static List<TFuture> Distinct(IEnumerable<TFuture> futures, TimeSpan? timeout)
    {
        ArgumentNullException.ThrowIfNull(futures);
        if (timeout is { } limit && limit < TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A timeout is zero or more, or null to wait as long as it takes.");
        }
        var seen = new HashSet<TFuture>(ReferenceEqualityComparer.Instance);
        var distinct = new List<TFuture>();
        var position = 0;
        foreach (var future in futures)
        {
            if (future is null)
            {
                throw new ArgumentException($"The futures hold null at position {position}; every element must be a future.", nameof(futures));
            }
            position++;
            if (seen.Add(future))
            {
                distinct.Add(future);
            }
        }
        return distinct;
    }

    /// <summary>The next future to complete; false when the time limit passed first.</summary>
    public bool TryTake(out TFuture? future)
    {
        while (!_completed.Reader.TryRead(out future))
        {
            if (Stopwatch.GetTimestamp() >= _deadline)
            {
                return false;
            }
            _completed.Reader.WaitToReadAsync().AsTask().Wait(NextWait());
        }
        _taken++;
        return true;
    }

    /// <summary>The next future to complete; null when the time limit passed first.</summary>
    /// <param name="cancellationToken">Stops waiting (<see cref="OperationCanceledException"/>); the futures go on.</param>
    public async ValueTask<TFuture?> TakeAsync(CancellationToken cancellationToken)
    {
        TFuture? future;
        while (!_completed.Reader.TryRead(out future))
        {
            if (Stopwatch.GetTimestamp() >= _deadline)
            {
                return null;
            }
            try
            {
                await _completed.Reader.WaitToReadAsync(cancellationToken).AsTask().WaitAsync(NextWait(), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The deadline is checked above; a wait shorter than it (see NextWait) just goes round.
            }
        }
        _taken++;
        return future;
    }

    private static long DeadlineAfter(TimeSpan? timeout)
    {
        if (timeout is not { } limit || limit == Timeout.InfiniteTimeSpan)
        {
            return long.MaxValue;
        }
        var now = Stopwatch.GetTimestamp();
        var ticks = limit.TotalSeconds * Stopwatch.Frequency;
        return ticks >= long.MaxValue - now ? long.MaxValue : now + (long)ticks;
    }

    /// <summary>How long the next wait may be: until the deadline, at most what a task's wait takes (about 24 days).</summary>
    private TimeSpan NextWait()
    {
        if (_deadline == long.MaxValue)
        {
            return Timeout.InfiniteTimeSpan;
        }
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _deadline);
        return left <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Min(left.TotalMilliseconds, int.MaxValue - 1));
    }
}
