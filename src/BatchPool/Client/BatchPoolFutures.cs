using System.Runtime.CompilerServices;
using BatchPool.Client;

namespace BatchPool;

/// <summary>
/// Waiting on many futures at once, as <c>concurrent.futures.as_completed</c> and <c>concurrent.futures.wait</c>. The
/// futures may come from several executors and have different result types: name their common type,
/// <c>BatchPoolFutures.AsCompleted&lt;BatchPoolFuture&gt;([squares, names])</c>. A timeout or a token here stops the
/// wait only; the jobs go on (a future's <see cref="BatchPoolFuture.Cancel"/> stops its job). A future given twice counts once.
/// </summary>
public static class BatchPoolFutures
{
    /// <summary>
    /// Yields each future as it completes (finished, failed or cancelled): those already done first, in the order given,
    /// then the others as they complete. The time limit starts with the enumeration.
    /// </summary>
    /// <typeparam name="TFuture">The futures' type.</typeparam>
    /// <param name="futures">The futures; read at once.</param>
    /// <param name="timeout">How long the whole enumeration may wait; null waits as long as it takes.</param>
    /// <returns>The futures, in the order they complete.</returns>
    /// <exception cref="TimeoutException">Thrown by the enumeration when the timeout passes with futures left; they go on.</exception>
    /// <exception cref="ArgumentException">A future is null, or the timeout is negative.</exception>
    public static IEnumerable<TFuture> AsCompleted<TFuture>(IEnumerable<TFuture> futures, TimeSpan? timeout = null)
        where TFuture : BatchPoolFuture
    {
        var distinct = CompletionOrder<TFuture>.Distinct(futures, timeout);
        return Completing(distinct, timeout);
    }

    /// <summary>Asynchronous <see cref="AsCompleted"/>: yields each future as it completes.</summary>
    /// <typeparam name="TFuture">The futures' type.</typeparam>
    /// <param name="futures">The futures; read at once.</param>
    /// <param name="timeout">How long the whole enumeration may wait; null waits as long as it takes.</param>
    /// <param name="cancellationToken">Stops the enumeration (<see cref="OperationCanceledException"/>); the jobs go on.</param>
    /// <returns>The futures, in the order they complete.</returns>
    /// <exception cref="TimeoutException">Thrown by the enumeration when the timeout passes with futures left; they go on.</exception>
    /// <exception cref="ArgumentException">A future is null, or the timeout is negative.</exception>
    public static IAsyncEnumerable<TFuture> AsCompletedAsync<TFuture>(IEnumerable<TFuture> futures, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where TFuture : BatchPoolFuture
    {
        var distinct = CompletionOrder<TFuture>.Distinct(futures, timeout);
        return CompletingAsync(distinct, timeout, cancellationToken);
    }

    /// <summary>
    /// Waits until <paramref name="returnWhen"/> says, or the timeout passes, and returns the futures done and not done
    /// then. A timeout is not an error here (as in Python): the futures not done are in <see cref="DoneAndNotDoneFutures{TFuture}.NotDone"/>.
    /// </summary>
    /// <typeparam name="TFuture">The futures' type.</typeparam>
    /// <param name="futures">The futures.</param>
    /// <param name="timeout">How long to wait at most; null waits as long as it takes.</param>
    /// <param name="returnWhen">When to return: every future done (the default), the first done, or the first that failed.</param>
    /// <returns>The futures done and not done when the wait ended.</returns>
    /// <exception cref="ArgumentException">A future is null, the timeout is negative, or <paramref name="returnWhen"/> is not one of its values.</exception>
    public static DoneAndNotDoneFutures<TFuture> Wait<TFuture>(IEnumerable<TFuture> futures, TimeSpan? timeout = null, ReturnWhen returnWhen = ReturnWhen.AllCompleted)
        where TFuture : BatchPoolFuture
    {
        var order = Watch(futures, timeout, returnWhen);
        while (order.Left > 0 && order.TryTake(out var future) && !Ends(returnWhen, future!))
        {
        }
        return Split(order.Futures);
    }

    /// <summary>Asynchronous <see cref="Wait"/>.</summary>
    /// <typeparam name="TFuture">The futures' type.</typeparam>
    /// <param name="futures">The futures.</param>
    /// <param name="timeout">How long to wait at most; null waits as long as it takes.</param>
    /// <param name="returnWhen">When to return: every future done (the default), the first done, or the first that failed.</param>
    /// <param name="cancellationToken">Stops the wait (<see cref="OperationCanceledException"/>); the jobs go on.</param>
    /// <returns>The futures done and not done when the wait ended.</returns>
    /// <exception cref="ArgumentException">A future is null, the timeout is negative, or <paramref name="returnWhen"/> is not one of its values (thrown by this call).</exception>
    public static Task<DoneAndNotDoneFutures<TFuture>> WaitAsync<TFuture>(IEnumerable<TFuture> futures, TimeSpan? timeout = null, ReturnWhen returnWhen = ReturnWhen.AllCompleted, CancellationToken cancellationToken = default)
        where TFuture : BatchPoolFuture
    {
        var order = Watch(futures, timeout, returnWhen);
        return WaitingAsync(order, returnWhen, cancellationToken);
    }

    /// <summary>Whether a wait for <paramref name="returnWhen"/> ends with <paramref name="done"/>, the latest future done.</summary>
    private static bool Ends(ReturnWhen returnWhen, BatchPoolFuture done) => returnWhen switch
    {
        ReturnWhen.FirstCompleted => true,
        ReturnWhen.FirstException => done.EndedWithException,
        _ => false,
    };

    private static IEnumerable<TFuture> Completing<TFuture>(List<TFuture> futures, TimeSpan? timeout)
        where TFuture : BatchPoolFuture
    {
        var order = new CompletionOrder<TFuture>(futures, timeout);
        while (order.Left > 0)
        {
            if (!order.TryTake(out var future))
            {
                throw TimedOut(order, timeout);
            }
            yield return future!;
        }
    }

    private static async IAsyncEnumerable<TFuture> CompletingAsync<TFuture>(List<TFuture> futures, TimeSpan? timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TFuture : BatchPoolFuture
    {
        var order = new CompletionOrder<TFuture>(futures, timeout);
        while (order.Left > 0)
        {
            yield return await order.TakeAsync(cancellationToken).ConfigureAwait(false) ?? throw TimedOut(order, timeout);
        }
    }

    private static async Task<DoneAndNotDoneFutures<TFuture>> WaitingAsync<TFuture>(CompletionOrder<TFuture> order, ReturnWhen returnWhen, CancellationToken cancellationToken)
        where TFuture : BatchPoolFuture
    {
        while (order.Left > 0 && await order.TakeAsync(cancellationToken).ConfigureAwait(false) is { } future && !Ends(returnWhen, future))
        {
        }
        return Split(order.Futures);
    }

    private static CompletionOrder<TFuture> Watch<TFuture>(IEnumerable<TFuture> futures, TimeSpan? timeout, ReturnWhen returnWhen)
        where TFuture : BatchPoolFuture
    {
        if (!Enum.IsDefined(returnWhen))
        {
            throw new ArgumentOutOfRangeException(nameof(returnWhen), returnWhen, $"returnWhen is one of {string.Join(", ", Enum.GetNames<ReturnWhen>())}.");
        }
        return new CompletionOrder<TFuture>(CompletionOrder<TFuture>.Distinct(futures, timeout), timeout);
    }

    /// <summary>The futures done now, and the others: a future that completes while this runs is in either set, never both.</summary>
    private static DoneAndNotDoneFutures<TFuture> Split<TFuture>(IReadOnlyList<TFuture> futures)
        where TFuture : BatchPoolFuture
    {
        var done = new HashSet<TFuture>(ReferenceEqualityComparer.Instance);
        var notDone = new HashSet<TFuture>(ReferenceEqualityComparer.Instance);
        foreach (var future in futures)
        {
            (future.Done ? done : notDone).Add(future);
        }
        return new DoneAndNotDoneFutures<TFuture>(done, notDone);
    }

    private static TimeoutException TimedOut<TFuture>(CompletionOrder<TFuture> order, TimeSpan? timeout)
        where TFuture : BatchPoolFuture =>
        new($"{order.Left} of {order.Futures.Count} futures did not complete within {timeout}; they go on.");
}
