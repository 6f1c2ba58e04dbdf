using System.Runtime.CompilerServices;
using BatchPool.Client;

namespace BatchPool;

// Map and MapAsync, as Executor.map: every chunk is submitted before the call returns; results come back in order,
// blocking only for the next; an error or a timeout cancels the map's other jobs and is thrown.
public sealed partial class BatchPoolExecutor
{
    /// <summary>Calls <paramref name="fn"/> on workers for each item and yields the results in order.</summary>
    /// <typeparam name="T1">The items' type.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items">The items; each is one call.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before this returns.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public IEnumerable<TResult> Map<T1, TResult>(Func<T1, TResult> fn, IEnumerable<T1> items, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null) =>
        MapCore<TResult>(fn, Zip(items), timeout, chunksize, progress);

    /// <summary>Calls <paramref name="fn"/> on workers for each pair of items, zipped, and yields the results in order.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result; a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    public IEnumerable<TResult> Map<T1, T2, TResult>(Func<T1, T2, TResult> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null) =>
        MapCore<TResult>(fn, Zip(items1, items2), timeout, chunksize, progress);

    /// <summary>Calls <paramref name="fn"/> on workers for each triple of items, zipped, and yields the results in order.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="T3">The third items' type.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="items3">The third arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result; a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    public IEnumerable<TResult> Map<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, IEnumerable<T3> items3, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null) =>
        MapCore<TResult>(fn, Zip(items1, items2, items3), timeout, chunksize, progress);

    /// <summary>Asynchronous <see cref="Map{T1, TResult}"/>: submits every chunk at once (in the background), then yields the results in order.</summary>
    /// <typeparam name="T1">The items' type.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items">The items; each is one call.</param>
    /// <param name="timeout">How long to wait for each result; a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs.</param>
    /// <param name="cancellationToken">Stops the enumeration and cancels the map's jobs.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped (thrown by this call).</exception>
    public IAsyncEnumerable<TResult> MapAsync<T1, TResult>(Func<T1, TResult> fn, IEnumerable<T1> items, TimeSpan? timeout = null, int chunksize = 1, CancellationToken cancellationToken = default) =>
        MapCoreAsync<TResult>(fn, Zip(items), timeout, chunksize, cancellationToken);

    /// <summary>Asynchronous <see cref="Map{T1, T2, TResult}"/>.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result; a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs.</param>
    /// <param name="cancellationToken">Stops the enumeration and cancels the map's jobs.</param>
    public IAsyncEnumerable<TResult> MapAsync<T1, T2, TResult>(Func<T1, T2, TResult> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, TimeSpan? timeout = null, int chunksize = 1, CancellationToken cancellationToken = default) =>
        MapCoreAsync<TResult>(fn, Zip(items1, items2), timeout, chunksize, cancellationToken);

    /// <summary>Asynchronous <see cref="Map{T1, T2, T3, TResult}"/>.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="T3">The third items' type.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="items3">The third arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result; a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs.</param>
    /// <param name="cancellationToken">Stops the enumeration and cancels the map's jobs.</param>
    public IAsyncEnumerable<TResult> MapAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, IEnumerable<T3> items3, TimeSpan? timeout = null, int chunksize = 1, CancellationToken cancellationToken = default) =>
        MapCoreAsync<TResult>(fn, Zip(items1, items2, items3), timeout, chunksize, cancellationToken);

    private IEnumerable<TResult> MapCore<TResult>(Delegate fn, List<object?[]> calls, TimeSpan? timeout, int chunksize, IProgress<BatchPoolProgress>? progress)
    {
        var prepared = Prepare(fn, Chunking.Split(calls, chunksize), map: true, progress);
        SubmitAsync(prepared, CancellationToken.None).GetAwaiter().GetResult();
        return Results<TResult>(prepared.ConvertAll<PendingJob?>(p => p.Job), timeout);
    }

    private IAsyncEnumerable<TResult> MapCoreAsync<TResult>(Delegate fn, List<object?[]> calls, TimeSpan? timeout, int chunksize, CancellationToken cancellationToken)
    {
        var prepared = Prepare(fn, Chunking.Split(calls, chunksize), map: true);
        var submission = SubmitAsync(prepared, cancellationToken);
        return ResultsAsync<TResult>(submission, prepared.ConvertAll<PendingJob?>(p => p.Job), timeout, cancellationToken);
    }

    private static IEnumerable<TResult> Results<TResult>(List<PendingJob?> jobs, TimeSpan? timeout)
    {
        var completed = false;
        try
        {
            for (var j = 0; j < jobs.Count; j++)
            {
                var outcomes = jobs[j]!.Wait(timeout);
                // A job whose outcomes are in hand is let go: a long map keeps the state of the jobs it has not reached only.
                jobs[j] = null;
                for (var i = 0; i < outcomes.Length; i++)
                {
                    yield return (TResult)PendingJob.ValueOf(outcomes, i)!;
                }
            }
            completed = true;
        }
        finally
        {
            // An error, a timeout or a consumer that stopped early: the map's other jobs are of no use to anyone.
            if (!completed)
            {
                CancelAll(jobs);
            }
        }
    }

    private static async IAsyncEnumerable<TResult> ResultsAsync<TResult>(Task submission, List<PendingJob?> jobs, TimeSpan? timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var completed = false;
        try
        {
            await submission.ConfigureAwait(false);
            for (var j = 0; j < jobs.Count; j++)
            {
                var outcomes = await jobs[j]!.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
                jobs[j] = null;
                for (var i = 0; i < outcomes.Length; i++)
                {
                    yield return (TResult)PendingJob.ValueOf(outcomes, i)!;
                }
            }
            completed = true;
        }
        finally
        {
            if (!completed)
            {
                CancelAll(jobs);
            }
        }
    }

    private static void CancelAll(List<PendingJob?> jobs)
    {
        foreach (var job in jobs)
        {
            job?.Cancel();
        }
    }

    private static List<object?[]> Zip<T1>(IEnumerable<T1> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items.Select(x => new object?[] { x }).ToList();
    }

    private static List<object?[]> Zip<T1, T2>(IEnumerable<T1> items1, IEnumerable<T2> items2)
    {
        var (first, second) = (Materialize(items1, nameof(items1)), Materialize(items2, nameof(items2)));
        SameLength(first.Count, second.Count, nameof(items2));
        return first.Select((x, i) => new object?[] { x, second[i] }).ToList();
    }

    private static List<object?[]> Zip<T1, T2, T3>(IEnumerable<T1> items1, IEnumerable<T2> items2, IEnumerable<T3> items3)
    {
        var (first, second, third) = (Materialize(items1, nameof(items1)), Materialize(items2, nameof(items2)), Materialize(items3, nameof(items3)));
        SameLength(first.Count, second.Count, nameof(items2));
        SameLength(first.Count, third.Count, nameof(items3));
        return first.Select((x, i) => new object?[] { x, second[i], third[i] }).ToList();
    }

    private static List<T> Materialize<T>(IEnumerable<T> items, string name) =>
        items?.ToList() ?? throw new ArgumentNullException(name);

    private static void SameLength(int expected, int actual, string name)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"Map's sequences must have the same length: the first has {expected} items, {name} has {actual}.", name);
        }
    }
}
