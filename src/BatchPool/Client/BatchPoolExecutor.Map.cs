using System.Runtime.CompilerServices;
using BatchPool.Client;

namespace BatchPool;

// Map and MapAsync, as Executor.map: every chunk is submitted before the call returns; results come back in order,
// blocking only for the next; an error or a timeout cancels the map's other jobs and is thrown. Over one, two and three
// zipped sequences, each for plain functions and for functions returning Task, Task<T>, ValueTask or ValueTask<T>, which
// the worker awaits (see Submit for how C# picks among them); a function without a value yields null for each call, as
// Python's map yields None.
public sealed partial class BatchPoolExecutor
{
    /// <summary>Calls a function on workers for each item and yields the results in order.</summary>
    /// <typeparam name="T1">The items' type.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items">The items; each is one call.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before this returns.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public IEnumerable<TResult> Map<T1, TResult>(Func<T1, TResult> fn, IEnumerable<T1> items, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null, int? maxAttempts = null) =>
        MapCore<TResult>(fn, Zip(items), timeout, chunksize, progress, maxAttempts);

    /// <summary>Asynchronous <c>Map</c>: calls a function on workers for each item; submits every chunk at once (in the background), then yields the results in order.</summary>
    /// <typeparam name="T1">The items' type.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items">The items; each is one call.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <param name="cancellationToken">Stops the enumeration, which then throws <see cref="OperationCanceledException"/>: a wait, as every token of this API. Since no one can read them any more, the map's jobs that have not delivered are then cancelled, as when the enumeration is left early.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before the first result is awaited.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped (thrown by this call).</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public IAsyncEnumerable<TResult> MapAsync<T1, TResult>(Func<T1, TResult> fn, IEnumerable<T1> items, TimeSpan? timeout = null, int chunksize = 1, int? maxAttempts = null, CancellationToken cancellationToken = default) =>
        MapCoreAsync<TResult>(fn, Zip(items), timeout, chunksize, maxAttempts, cancellationToken);

    /// <summary>Calls an asynchronous function on workers for each item (the worker awaits each call to completion) and yields the results in order.</summary>
    /// <typeparam name="T1">The items' type.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items">The items; each is one call.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before this returns.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public IEnumerable<TResult> Map<T1, TResult>(Func<T1, Task<TResult>> fn, IEnumerable<T1> items, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null, int? maxAttempts = null) =>
        MapCore<TResult>(fn, Zip(items), timeout, chunksize, progress, maxAttempts);

    /// <summary>Asynchronous <c>Map</c>: calls an asynchronous function on workers for each item (the worker awaits each call to completion); submits every chunk at once (in the background), then yields the results in order.</summary>
    /// <typeparam name="T1">The items' type.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items">The items; each is one call.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <param name="cancellationToken">Stops the enumeration, which then throws <see cref="OperationCanceledException"/>: a wait, as every token of this API. Since no one can read them any more, the map's jobs that have not delivered are then cancelled, as when the enumeration is left early.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before the first result is awaited.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped (thrown by this call).</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public IAsyncEnumerable<TResult> MapAsync<T1, TResult>(Func<T1, Task<TResult>> fn, IEnumerable<T1> items, TimeSpan? timeout = null, int chunksize = 1, int? maxAttempts = null, CancellationToken cancellationToken = default) =>
        MapCoreAsync<TResult>(fn, Zip(items), timeout, chunksize, maxAttempts, cancellationToken);

    /// <summary>Calls an asynchronous function on workers for each item (the worker awaits each call to completion) and yields the results in order.</summary>
    /// <typeparam name="T1">The items' type.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items">The items; each is one call.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before this returns.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public IEnumerable<TResult> Map<T1, TResult>(Func<T1, ValueTask<TResult>> fn, IEnumerable<T1> items, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null, int? maxAttempts = null) =>
        MapCore<TResult>(fn, Zip(items), timeout, chunksize, progress, maxAttempts);

    /// <summary>Asynchronous <c>Map</c>: calls an asynchronous function on workers for each item (the worker awaits each call to completion); submits every chunk at once (in the background), then yields the results in order.</summary>
    /// <typeparam name="T1">The items' type.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items">The items; each is one call.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <param name="cancellationToken">Stops the enumeration, which then throws <see cref="OperationCanceledException"/>: a wait, as every token of this API. Since no one can read them any more, the map's jobs that have not delivered are then cancelled, as when the enumeration is left early.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before the first result is awaited.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped (thrown by this call).</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public IAsyncEnumerable<TResult> MapAsync<T1, TResult>(Func<T1, ValueTask<TResult>> fn, IEnumerable<T1> items, TimeSpan? timeout = null, int chunksize = 1, int? maxAttempts = null, CancellationToken cancellationToken = default) =>
        MapCoreAsync<TResult>(fn, Zip(items), timeout, chunksize, maxAttempts, cancellationToken);

    /// <summary>Calls an asynchronous function on workers for each item (the worker awaits each call to completion) and yields null for each call, in order, once it has completed.</summary>
    /// <typeparam name="T1">The items' type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items">The items; each is one call.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <returns>Null for each call, in the order of the items, once it has completed (an error is thrown there).</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public IEnumerable<object?> Map<T1>(Func<T1, Task> fn, IEnumerable<T1> items, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null, int? maxAttempts = null) =>
        MapCore<object?>(fn, Zip(items), timeout, chunksize, progress, maxAttempts);

    /// <summary>Asynchronous <c>Map</c>: calls an asynchronous function on workers for each item (the worker awaits each call to completion); submits every chunk at once (in the background), then yields null for each call, in order, once it has completed.</summary>
    /// <typeparam name="T1">The items' type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items">The items; each is one call.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <param name="cancellationToken">Stops the enumeration, which then throws <see cref="OperationCanceledException"/>: a wait, as every token of this API. Since no one can read them any more, the map's jobs that have not delivered are then cancelled, as when the enumeration is left early.</param>
    /// <returns>Null for each call, in the order of the items, once it has completed (an error is thrown there).</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped (thrown by this call).</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public IAsyncEnumerable<object?> MapAsync<T1>(Func<T1, Task> fn, IEnumerable<T1> items, TimeSpan? timeout = null, int chunksize = 1, int? maxAttempts = null, CancellationToken cancellationToken = default) =>
        MapCoreAsync<object?>(fn, Zip(items), timeout, chunksize, maxAttempts, cancellationToken);

    /// <summary>Calls an asynchronous function on workers for each item (the worker awaits each call to completion) and yields null for each call, in order, once it has completed.</summary>
    /// <typeparam name="T1">The items' type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items">The items; each is one call.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <returns>Null for each call, in the order of the items, once it has completed (an error is thrown there).</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public IEnumerable<object?> Map<T1>(Func<T1, ValueTask> fn, IEnumerable<T1> items, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null, int? maxAttempts = null) =>
        MapCore<object?>(fn, Zip(items), timeout, chunksize, progress, maxAttempts);

    /// <summary>Asynchronous <c>Map</c>: calls an asynchronous function on workers for each item (the worker awaits each call to completion); submits every chunk at once (in the background), then yields null for each call, in order, once it has completed.</summary>
    /// <typeparam name="T1">The items' type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items">The items; each is one call.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <param name="cancellationToken">Stops the enumeration, which then throws <see cref="OperationCanceledException"/>: a wait, as every token of this API. Since no one can read them any more, the map's jobs that have not delivered are then cancelled, as when the enumeration is left early.</param>
    /// <returns>Null for each call, in the order of the items, once it has completed (an error is thrown there).</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped (thrown by this call).</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public IAsyncEnumerable<object?> MapAsync<T1>(Func<T1, ValueTask> fn, IEnumerable<T1> items, TimeSpan? timeout = null, int chunksize = 1, int? maxAttempts = null, CancellationToken cancellationToken = default) =>
        MapCoreAsync<object?>(fn, Zip(items), timeout, chunksize, maxAttempts, cancellationToken);

    /// <summary>Calls a function on workers for each pair of items, zipped, and yields the results in order.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before this returns.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    public IEnumerable<TResult> Map<T1, T2, TResult>(Func<T1, T2, TResult> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null, int? maxAttempts = null) =>
        MapCore<TResult>(fn, Zip(items1, items2), timeout, chunksize, progress, maxAttempts);

    /// <summary>Asynchronous <c>Map</c>: calls a function on workers for each pair of items, zipped; submits every chunk at once (in the background), then yields the results in order.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <param name="cancellationToken">Stops the enumeration, which then throws <see cref="OperationCanceledException"/>: a wait, as every token of this API. Since no one can read them any more, the map's jobs that have not delivered are then cancelled, as when the enumeration is left early.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before the first result is awaited.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped (thrown by this call).</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    public IAsyncEnumerable<TResult> MapAsync<T1, T2, TResult>(Func<T1, T2, TResult> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, TimeSpan? timeout = null, int chunksize = 1, int? maxAttempts = null, CancellationToken cancellationToken = default) =>
        MapCoreAsync<TResult>(fn, Zip(items1, items2), timeout, chunksize, maxAttempts, cancellationToken);

    /// <summary>Calls an asynchronous function on workers for each pair of items, zipped (the worker awaits each call to completion) and yields the results in order.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before this returns.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    [OverloadResolutionPriority(1)]
    public IEnumerable<TResult> Map<T1, T2, TResult>(Func<T1, T2, Task<TResult>> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null, int? maxAttempts = null) =>
        MapCore<TResult>(fn, Zip(items1, items2), timeout, chunksize, progress, maxAttempts);

    /// <summary>Asynchronous <c>Map</c>: calls an asynchronous function on workers for each pair of items, zipped (the worker awaits each call to completion); submits every chunk at once (in the background), then yields the results in order.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <param name="cancellationToken">Stops the enumeration, which then throws <see cref="OperationCanceledException"/>: a wait, as every token of this API. Since no one can read them any more, the map's jobs that have not delivered are then cancelled, as when the enumeration is left early.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before the first result is awaited.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped (thrown by this call).</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    [OverloadResolutionPriority(1)]
    public IAsyncEnumerable<TResult> MapAsync<T1, T2, TResult>(Func<T1, T2, Task<TResult>> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, TimeSpan? timeout = null, int chunksize = 1, int? maxAttempts = null, CancellationToken cancellationToken = default) =>
        MapCoreAsync<TResult>(fn, Zip(items1, items2), timeout, chunksize, maxAttempts, cancellationToken);

    /// <summary>Calls an asynchronous function on workers for each pair of items, zipped (the worker awaits each call to completion) and yields the results in order.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before this returns.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    public IEnumerable<TResult> Map<T1, T2, TResult>(Func<T1, T2, ValueTask<TResult>> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null, int? maxAttempts = null) =>
        MapCore<TResult>(fn, Zip(items1, items2), timeout, chunksize, progress, maxAttempts);

    /// <summary>Asynchronous <c>Map</c>: calls an asynchronous function on workers for each pair of items, zipped (the worker awaits each call to completion); submits every chunk at once (in the background), then yields the results in order.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <param name="cancellationToken">Stops the enumeration, which then throws <see cref="OperationCanceledException"/>: a wait, as every token of this API. Since no one can read them any more, the map's jobs that have not delivered are then cancelled, as when the enumeration is left early.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before the first result is awaited.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped (thrown by this call).</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    public IAsyncEnumerable<TResult> MapAsync<T1, T2, TResult>(Func<T1, T2, ValueTask<TResult>> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, TimeSpan? timeout = null, int chunksize = 1, int? maxAttempts = null, CancellationToken cancellationToken = default) =>
        MapCoreAsync<TResult>(fn, Zip(items1, items2), timeout, chunksize, maxAttempts, cancellationToken);

    /// <summary>Calls an asynchronous function on workers for each pair of items, zipped (the worker awaits each call to completion) and yields null for each call, in order, once it has completed.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <returns>Null for each call, in the order of the items, once it has completed (an error is thrown there).</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    [OverloadResolutionPriority(1)]
    public IEnumerable<object?> Map<T1, T2>(Func<T1, T2, Task> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null, int? maxAttempts = null) =>
        MapCore<object?>(fn, Zip(items1, items2), timeout, chunksize, progress, maxAttempts);

    /// <summary>Asynchronous <c>Map</c>: calls an asynchronous function on workers for each pair of items, zipped (the worker awaits each call to completion); submits every chunk at once (in the background), then yields null for each call, in order, once it has completed.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <param name="cancellationToken">Stops the enumeration, which then throws <see cref="OperationCanceledException"/>: a wait, as every token of this API. Since no one can read them any more, the map's jobs that have not delivered are then cancelled, as when the enumeration is left early.</param>
    /// <returns>Null for each call, in the order of the items, once it has completed (an error is thrown there).</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped (thrown by this call).</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    [OverloadResolutionPriority(1)]
    public IAsyncEnumerable<object?> MapAsync<T1, T2>(Func<T1, T2, Task> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, TimeSpan? timeout = null, int chunksize = 1, int? maxAttempts = null, CancellationToken cancellationToken = default) =>
        MapCoreAsync<object?>(fn, Zip(items1, items2), timeout, chunksize, maxAttempts, cancellationToken);

    /// <summary>Calls an asynchronous function on workers for each pair of items, zipped (the worker awaits each call to completion) and yields null for each call, in order, once it has completed.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <returns>Null for each call, in the order of the items, once it has completed (an error is thrown there).</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    public IEnumerable<object?> Map<T1, T2>(Func<T1, T2, ValueTask> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null, int? maxAttempts = null) =>
        MapCore<object?>(fn, Zip(items1, items2), timeout, chunksize, progress, maxAttempts);

    /// <summary>Asynchronous <c>Map</c>: calls an asynchronous function on workers for each pair of items, zipped (the worker awaits each call to completion); submits every chunk at once (in the background), then yields null for each call, in order, once it has completed.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <param name="cancellationToken">Stops the enumeration, which then throws <see cref="OperationCanceledException"/>: a wait, as every token of this API. Since no one can read them any more, the map's jobs that have not delivered are then cancelled, as when the enumeration is left early.</param>
    /// <returns>Null for each call, in the order of the items, once it has completed (an error is thrown there).</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped (thrown by this call).</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    public IAsyncEnumerable<object?> MapAsync<T1, T2>(Func<T1, T2, ValueTask> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, TimeSpan? timeout = null, int chunksize = 1, int? maxAttempts = null, CancellationToken cancellationToken = default) =>
        MapCoreAsync<object?>(fn, Zip(items1, items2), timeout, chunksize, maxAttempts, cancellationToken);

    /// <summary>Calls a function on workers for each triple of items, zipped, and yields the results in order.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="T3">The third items' type.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="items3">The third arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before this returns.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    public IEnumerable<TResult> Map<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, IEnumerable<T3> items3, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null, int? maxAttempts = null) =>
        MapCore<TResult>(fn, Zip(items1, items2, items3), timeout, chunksize, progress, maxAttempts);

    /// <summary>Asynchronous <c>Map</c>: calls a function on workers for each triple of items, zipped; submits every chunk at once (in the background), then yields the results in order.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="T3">The third items' type.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="items3">The third arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <param name="cancellationToken">Stops the enumeration, which then throws <see cref="OperationCanceledException"/>: a wait, as every token of this API. Since no one can read them any more, the map's jobs that have not delivered are then cancelled, as when the enumeration is left early.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before the first result is awaited.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped (thrown by this call).</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    public IAsyncEnumerable<TResult> MapAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, IEnumerable<T3> items3, TimeSpan? timeout = null, int chunksize = 1, int? maxAttempts = null, CancellationToken cancellationToken = default) =>
        MapCoreAsync<TResult>(fn, Zip(items1, items2, items3), timeout, chunksize, maxAttempts, cancellationToken);

    /// <summary>Calls an asynchronous function on workers for each triple of items, zipped (the worker awaits each call to completion) and yields the results in order.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="T3">The third items' type.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="items3">The third arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before this returns.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    [OverloadResolutionPriority(1)]
    public IEnumerable<TResult> Map<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, IEnumerable<T3> items3, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null, int? maxAttempts = null) =>
        MapCore<TResult>(fn, Zip(items1, items2, items3), timeout, chunksize, progress, maxAttempts);

    /// <summary>Asynchronous <c>Map</c>: calls an asynchronous function on workers for each triple of items, zipped (the worker awaits each call to completion); submits every chunk at once (in the background), then yields the results in order.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="T3">The third items' type.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="items3">The third arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <param name="cancellationToken">Stops the enumeration, which then throws <see cref="OperationCanceledException"/>: a wait, as every token of this API. Since no one can read them any more, the map's jobs that have not delivered are then cancelled, as when the enumeration is left early.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before the first result is awaited.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped (thrown by this call).</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    [OverloadResolutionPriority(1)]
    public IAsyncEnumerable<TResult> MapAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, IEnumerable<T3> items3, TimeSpan? timeout = null, int chunksize = 1, int? maxAttempts = null, CancellationToken cancellationToken = default) =>
        MapCoreAsync<TResult>(fn, Zip(items1, items2, items3), timeout, chunksize, maxAttempts, cancellationToken);

    /// <summary>Calls an asynchronous function on workers for each triple of items, zipped (the worker awaits each call to completion) and yields the results in order.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="T3">The third items' type.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="items3">The third arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before this returns.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    public IEnumerable<TResult> Map<T1, T2, T3, TResult>(Func<T1, T2, T3, ValueTask<TResult>> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, IEnumerable<T3> items3, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null, int? maxAttempts = null) =>
        MapCore<TResult>(fn, Zip(items1, items2, items3), timeout, chunksize, progress, maxAttempts);

    /// <summary>Asynchronous <c>Map</c>: calls an asynchronous function on workers for each triple of items, zipped (the worker awaits each call to completion); submits every chunk at once (in the background), then yields the results in order.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="T3">The third items' type.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="items3">The third arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <param name="cancellationToken">Stops the enumeration, which then throws <see cref="OperationCanceledException"/>: a wait, as every token of this API. Since no one can read them any more, the map's jobs that have not delivered are then cancelled, as when the enumeration is left early.</param>
    /// <returns>The results, in the order of the items; the jobs are all submitted before the first result is awaited.</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped (thrown by this call).</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    public IAsyncEnumerable<TResult> MapAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, ValueTask<TResult>> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, IEnumerable<T3> items3, TimeSpan? timeout = null, int chunksize = 1, int? maxAttempts = null, CancellationToken cancellationToken = default) =>
        MapCoreAsync<TResult>(fn, Zip(items1, items2, items3), timeout, chunksize, maxAttempts, cancellationToken);

    /// <summary>Calls an asynchronous function on workers for each triple of items, zipped (the worker awaits each call to completion) and yields null for each call, in order, once it has completed.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="T3">The third items' type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="items3">The third arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <returns>Null for each call, in the order of the items, once it has completed (an error is thrown there).</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    [OverloadResolutionPriority(1)]
    public IEnumerable<object?> Map<T1, T2, T3>(Func<T1, T2, T3, Task> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, IEnumerable<T3> items3, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null, int? maxAttempts = null) =>
        MapCore<object?>(fn, Zip(items1, items2, items3), timeout, chunksize, progress, maxAttempts);

    /// <summary>Asynchronous <c>Map</c>: calls an asynchronous function on workers for each triple of items, zipped (the worker awaits each call to completion); submits every chunk at once (in the background), then yields null for each call, in order, once it has completed.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="T3">The third items' type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="items3">The third arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <param name="cancellationToken">Stops the enumeration, which then throws <see cref="OperationCanceledException"/>: a wait, as every token of this API. Since no one can read them any more, the map's jobs that have not delivered are then cancelled, as when the enumeration is left early.</param>
    /// <returns>Null for each call, in the order of the items, once it has completed (an error is thrown there).</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped (thrown by this call).</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    [OverloadResolutionPriority(1)]
    public IAsyncEnumerable<object?> MapAsync<T1, T2, T3>(Func<T1, T2, T3, Task> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, IEnumerable<T3> items3, TimeSpan? timeout = null, int chunksize = 1, int? maxAttempts = null, CancellationToken cancellationToken = default) =>
        MapCoreAsync<object?>(fn, Zip(items1, items2, items3), timeout, chunksize, maxAttempts, cancellationToken);

    /// <summary>Calls an asynchronous function on workers for each triple of items, zipped (the worker awaits each call to completion) and yields null for each call, in order, once it has completed.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="T3">The third items' type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="items3">The third arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="progress">Where this map reports its jobs' progress (at most about every 100 ms, and once when its last job ended), e.g. <c>new ConsoleProgressBar()</c>.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <returns>Null for each call, in the order of the items, once it has completed (an error is thrown there).</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    public IEnumerable<object?> Map<T1, T2, T3>(Func<T1, T2, T3, ValueTask> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, IEnumerable<T3> items3, TimeSpan? timeout = null, int chunksize = 1, IProgress<BatchPoolProgress>? progress = null, int? maxAttempts = null) =>
        MapCore<object?>(fn, Zip(items1, items2, items3), timeout, chunksize, progress, maxAttempts);

    /// <summary>Asynchronous <c>Map</c>: calls an asynchronous function on workers for each triple of items, zipped (the worker awaits each call to completion); submits every chunk at once (in the background), then yields null for each call, in order, once it has completed.</summary>
    /// <typeparam name="T1">The first items' type.</typeparam>
    /// <typeparam name="T2">The second items' type.</typeparam>
    /// <typeparam name="T3">The third items' type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="items1">The first arguments.</param>
    /// <param name="items2">The second arguments; as many as the first.</param>
    /// <param name="items3">The third arguments; as many as the first.</param>
    /// <param name="timeout">How long to wait for each result (not for the whole map); a timeout cancels the map's jobs and is thrown.</param>
    /// <param name="chunksize">How many calls each job runs; the calls are split into <c>ceil(n / chunksize)</c> balanced jobs.</param>
    /// <param name="maxAttempts">How many times each of this map's jobs may run in all when its attempts are lost to the infrastructure (a killed worker, a lost node); at least 1; null: the executor's <see cref="BatchPoolExecutorOptions.MaxAttempts"/>.</param>
    /// <param name="cancellationToken">Stops the enumeration, which then throws <see cref="OperationCanceledException"/>: a wait, as every token of this API. Since no one can read them any more, the map's jobs that have not delivered are then cancelled, as when the enumeration is left early.</param>
    /// <returns>Null for each call, in the order of the items, once it has completed (an error is thrown there).</returns>
    /// <exception cref="UnserializableValueException">The function, a capture or an item cannot be shipped (thrown by this call).</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException">The sequences differ in length.</exception>
    public IAsyncEnumerable<object?> MapAsync<T1, T2, T3>(Func<T1, T2, T3, ValueTask> fn, IEnumerable<T1> items1, IEnumerable<T2> items2, IEnumerable<T3> items3, TimeSpan? timeout = null, int chunksize = 1, int? maxAttempts = null, CancellationToken cancellationToken = default) =>
        MapCoreAsync<object?>(fn, Zip(items1, items2, items3), timeout, chunksize, maxAttempts, cancellationToken);

    private IEnumerable<TResult> MapCore<TResult>(Delegate fn, List<object?[]> calls, TimeSpan? timeout, int chunksize, IProgress<BatchPoolProgress>? progress, int? maxAttempts)
    {
        CheckReturn(fn, typeof(TResult));
        var attempts = AttemptsOf(maxAttempts, nameof(maxAttempts));
        var prepared = Prepare(fn, Chunking.Split(calls, chunksize), map: true, progress, attempts);
        SubmitAsync(prepared, CancellationToken.None).GetAwaiter().GetResult();
        return Results<TResult>(prepared.ConvertAll<PendingJob?>(p => p.Job), timeout);
    }

    private IAsyncEnumerable<TResult> MapCoreAsync<TResult>(Delegate fn, List<object?[]> calls, TimeSpan? timeout, int chunksize, int? maxAttempts, CancellationToken cancellationToken)
    {
        CheckReturn(fn, typeof(TResult));
        var attempts = AttemptsOf(maxAttempts, nameof(maxAttempts));
        var prepared = Prepare(fn, Chunking.Split(calls, chunksize), map: true, maxAttempts: attempts);
        var submission = SubmitAsync(prepared, cancellationToken);
        return ResultsAsync<TResult>(submission, prepared.ConvertAll<PendingJob?>(p => p.Job), timeout, cancellationToken);
    }

    /// <summary>A Map's own <c>maxAttempts</c>, checked (0: the executor's).</summary>
    private static int AttemptsOf(int? maxAttempts, string parameter) => maxAttempts switch
    {
        null => 0,
        >= 1 => maxAttempts.Value,
        _ => throw new BatchPoolSettingException(parameter, maxAttempts.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "at least 1 (1: a job lost to the infrastructure is not run again; null: the executor's MaxAttempts)."),
    };

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
