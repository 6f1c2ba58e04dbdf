using BatchPool.Client;

namespace BatchPool;

// Submit and SubmitAsync for functions of 0 to 4 arguments: each form names its delegate type, so lambdas bind without
// casts, and every form funnels into SubmitCore. C# named arguments inside a lambda play the role of Python's kwargs.
public sealed partial class BatchPoolExecutor
{
    /// <summary>Calls a function on a worker with the given arguments and returns a future of its value.</summary>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture<TResult> Submit<TResult>(Func<TResult> fn)
    {
        var job = SubmitCore(fn, []);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls a function on a worker with the given arguments; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<TResult>(Func<TResult> fn, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [], cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, runs it to completion there, and returns a future of its value.</summary>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture<TResult> Submit<TResult>(Func<Task<TResult>> fn)
    {
        var job = SubmitCore(fn, []);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, runs it to completion there; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<TResult>(Func<Task<TResult>> fn, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [], cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an action on a worker with the given arguments and returns a future of its completion.</summary>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit(Action fn)
    {
        var job = SubmitCore(fn, []);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an action on a worker with the given arguments; completes, once the job is submitted, with a future of its completion.</summary>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync(Action fn, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [], cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, runs it to completion there, and returns a future of its completion.</summary>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit(Func<Task> fn)
    {
        var job = SubmitCore(fn, []);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, runs it to completion there; completes, once the job is submitted, with a future of its completion.</summary>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync(Func<Task> fn, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [], cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls a function on a worker with the given arguments and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture<TResult> Submit<T1, TResult>(Func<T1, TResult> fn, T1 arg1)
    {
        var job = SubmitCore(fn, [arg1]);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls a function on a worker with the given arguments; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, TResult>(Func<T1, TResult> fn, T1 arg1, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [arg1], cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, runs it to completion there, and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture<TResult> Submit<T1, TResult>(Func<T1, Task<TResult>> fn, T1 arg1)
    {
        var job = SubmitCore(fn, [arg1]);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, runs it to completion there; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, TResult>(Func<T1, Task<TResult>> fn, T1 arg1, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [arg1], cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an action on a worker with the given arguments and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit<T1>(Action<T1> fn, T1 arg1)
    {
        var job = SubmitCore(fn, [arg1]);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an action on a worker with the given arguments; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync<T1>(Action<T1> fn, T1 arg1, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [arg1], cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, runs it to completion there, and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit<T1>(Func<T1, Task> fn, T1 arg1)
    {
        var job = SubmitCore(fn, [arg1]);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, runs it to completion there; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync<T1>(Func<T1, Task> fn, T1 arg1, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [arg1], cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls a function on a worker with the given arguments and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture<TResult> Submit<T1, T2, TResult>(Func<T1, T2, TResult> fn, T1 arg1, T2 arg2)
    {
        var job = SubmitCore(fn, [arg1, arg2]);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls a function on a worker with the given arguments; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, T2, TResult>(Func<T1, T2, TResult> fn, T1 arg1, T2 arg2, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2], cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, runs it to completion there, and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture<TResult> Submit<T1, T2, TResult>(Func<T1, T2, Task<TResult>> fn, T1 arg1, T2 arg2)
    {
        var job = SubmitCore(fn, [arg1, arg2]);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, runs it to completion there; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, T2, TResult>(Func<T1, T2, Task<TResult>> fn, T1 arg1, T2 arg2, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2], cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an action on a worker with the given arguments and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit<T1, T2>(Action<T1, T2> fn, T1 arg1, T2 arg2)
    {
        var job = SubmitCore(fn, [arg1, arg2]);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an action on a worker with the given arguments; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync<T1, T2>(Action<T1, T2> fn, T1 arg1, T2 arg2, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2], cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, runs it to completion there, and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit<T1, T2>(Func<T1, T2, Task> fn, T1 arg1, T2 arg2)
    {
        var job = SubmitCore(fn, [arg1, arg2]);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, runs it to completion there; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync<T1, T2>(Func<T1, T2, Task> fn, T1 arg1, T2 arg2, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2], cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls a function on a worker with the given arguments and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture<TResult> Submit<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> fn, T1 arg1, T2 arg2, T3 arg3)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3]);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls a function on a worker with the given arguments; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> fn, T1 arg1, T2 arg2, T3 arg3, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3], cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, runs it to completion there, and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture<TResult> Submit<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> fn, T1 arg1, T2 arg2, T3 arg3)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3]);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, runs it to completion there; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> fn, T1 arg1, T2 arg2, T3 arg3, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3], cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an action on a worker with the given arguments and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit<T1, T2, T3>(Action<T1, T2, T3> fn, T1 arg1, T2 arg2, T3 arg3)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3]);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an action on a worker with the given arguments; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync<T1, T2, T3>(Action<T1, T2, T3> fn, T1 arg1, T2 arg2, T3 arg3, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3], cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, runs it to completion there, and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit<T1, T2, T3>(Func<T1, T2, T3, Task> fn, T1 arg1, T2 arg2, T3 arg3)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3]);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, runs it to completion there; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync<T1, T2, T3>(Func<T1, T2, T3, Task> fn, T1 arg1, T2 arg2, T3 arg3, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3], cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls a function on a worker with the given arguments and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="T4">The type of the fourth argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture<TResult> Submit<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3, arg4]);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls a function on a worker with the given arguments; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="T4">The type of the fourth argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3, arg4], cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, runs it to completion there, and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="T4">The type of the fourth argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture<TResult> Submit<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, Task<TResult>> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3, arg4]);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, runs it to completion there; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="T4">The type of the fourth argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, Task<TResult>> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3, arg4], cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an action on a worker with the given arguments and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="T4">The type of the fourth argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit<T1, T2, T3, T4>(Action<T1, T2, T3, T4> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3, arg4]);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an action on a worker with the given arguments; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="T4">The type of the fourth argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync<T1, T2, T3, T4>(Action<T1, T2, T3, T4> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3, arg4], cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, runs it to completion there, and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="T4">The type of the fourth argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit<T1, T2, T3, T4>(Func<T1, T2, T3, T4, Task> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3, arg4]);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, runs it to completion there; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="T4">The type of the fourth argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync<T1, T2, T3, T4>(Func<T1, T2, T3, T4, Task> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4, CancellationToken cancellationToken = default)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3, arg4], cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    private PendingJob SubmitCore(Delegate function, object?[] arguments)
    {
        var prepared = Prepare(function, [[arguments]]);
        SubmitAsync(prepared, CancellationToken.None).GetAwaiter().GetResult();
        return prepared[0].Job;
    }

    private async Task<PendingJob> SubmitCoreAsync(Delegate function, object?[] arguments, CancellationToken cancellationToken)
    {
        var prepared = Prepare(function, [[arguments]]);
        await SubmitAsync(prepared, cancellationToken).ConfigureAwait(false);
        return prepared[0].Job;
    }
}
