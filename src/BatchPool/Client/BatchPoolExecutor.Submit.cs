using System.Runtime.CompilerServices;
using BatchPool.Client;
using BatchPool.Worker;

namespace BatchPool;

// Submit and SubmitAsync for functions of 0 to 4 arguments: each form names its delegate type, so lambdas and method
// groups bind without casts, and every form funnels into SubmitCore. A function returning Task, Task<T>, ValueTask or
// ValueTask<T> has forms of its own, which C# prefers to the form of plain values (a more specific parameter type), so
// that its future holds what the task completes with: the worker awaits it (CallReturn is the one rule for that). An
// async lambda converts to Task and ValueTask forms alike: the Task forms' priority settles it, as an async lambda is a
// Task one unless it names its return type. C# named arguments inside a lambda play the role of Python's kwargs.
public sealed partial class BatchPoolExecutor
{
    /// <summary>Calls a function on a worker with the given arguments and returns a future of its value.</summary>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TResult"/> was given as a task type: the worker awaits the task, and the future holds its value.</exception>
    public BatchPoolFuture<TResult> Submit<TResult>(Func<TResult> fn, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [], typeof(TResult), options);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls a function on a worker with the given arguments; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TResult"/> was given as a task type: the worker awaits the task, and the future holds its value.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<TResult>(Func<TResult> fn, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [], typeof(TResult), options, cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion, and returns a future of its value.</summary>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public BatchPoolFuture<TResult> Submit<TResult>(Func<Task<TResult>> fn, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [], typeof(TResult), options);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<TResult>(Func<Task<TResult>> fn, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [], typeof(TResult), options, cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion, and returns a future of its value.</summary>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture<TResult> Submit<TResult>(Func<ValueTask<TResult>> fn, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [], typeof(TResult), options);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<TResult>(Func<ValueTask<TResult>> fn, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [], typeof(TResult), options, cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an action on a worker with the given arguments and returns a future of its completion.</summary>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit(Action fn, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [], null, options);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an action on a worker with the given arguments; completes, once the job is submitted, with a future of its completion.</summary>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync(Action fn, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [], null, options, cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion, and returns a future of its completion.</summary>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public BatchPoolFuture Submit(Func<Task> fn, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [], null, options);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its completion.</summary>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public async Task<BatchPoolFuture> SubmitAsync(Func<Task> fn, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [], null, options, cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion, and returns a future of its completion.</summary>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit(Func<ValueTask> fn, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [], null, options);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its completion.</summary>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync(Func<ValueTask> fn, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [], null, options, cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls a function on a worker with the given arguments and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TResult"/> was given as a task type: the worker awaits the task, and the future holds its value.</exception>
    public BatchPoolFuture<TResult> Submit<T1, TResult>(Func<T1, TResult> fn, T1 arg1, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1], typeof(TResult), options);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls a function on a worker with the given arguments; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TResult"/> was given as a task type: the worker awaits the task, and the future holds its value.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, TResult>(Func<T1, TResult> fn, T1 arg1, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1], typeof(TResult), options, cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion, and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public BatchPoolFuture<TResult> Submit<T1, TResult>(Func<T1, Task<TResult>> fn, T1 arg1, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1], typeof(TResult), options);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, TResult>(Func<T1, Task<TResult>> fn, T1 arg1, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1], typeof(TResult), options, cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion, and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture<TResult> Submit<T1, TResult>(Func<T1, ValueTask<TResult>> fn, T1 arg1, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1], typeof(TResult), options);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, TResult>(Func<T1, ValueTask<TResult>> fn, T1 arg1, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1], typeof(TResult), options, cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an action on a worker with the given arguments and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit<T1>(Action<T1> fn, T1 arg1, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1], null, options);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an action on a worker with the given arguments; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync<T1>(Action<T1> fn, T1 arg1, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1], null, options, cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion, and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public BatchPoolFuture Submit<T1>(Func<T1, Task> fn, T1 arg1, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1], null, options);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public async Task<BatchPoolFuture> SubmitAsync<T1>(Func<T1, Task> fn, T1 arg1, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1], null, options, cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion, and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit<T1>(Func<T1, ValueTask> fn, T1 arg1, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1], null, options);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync<T1>(Func<T1, ValueTask> fn, T1 arg1, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1], null, options, cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls a function on a worker with the given arguments and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TResult"/> was given as a task type: the worker awaits the task, and the future holds its value.</exception>
    public BatchPoolFuture<TResult> Submit<T1, T2, TResult>(Func<T1, T2, TResult> fn, T1 arg1, T2 arg2, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2], typeof(TResult), options);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls a function on a worker with the given arguments; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TResult"/> was given as a task type: the worker awaits the task, and the future holds its value.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, T2, TResult>(Func<T1, T2, TResult> fn, T1 arg1, T2 arg2, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2], typeof(TResult), options, cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion, and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public BatchPoolFuture<TResult> Submit<T1, T2, TResult>(Func<T1, T2, Task<TResult>> fn, T1 arg1, T2 arg2, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2], typeof(TResult), options);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, T2, TResult>(Func<T1, T2, Task<TResult>> fn, T1 arg1, T2 arg2, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2], typeof(TResult), options, cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion, and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture<TResult> Submit<T1, T2, TResult>(Func<T1, T2, ValueTask<TResult>> fn, T1 arg1, T2 arg2, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2], typeof(TResult), options);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, T2, TResult>(Func<T1, T2, ValueTask<TResult>> fn, T1 arg1, T2 arg2, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2], typeof(TResult), options, cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an action on a worker with the given arguments and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit<T1, T2>(Action<T1, T2> fn, T1 arg1, T2 arg2, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2], null, options);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an action on a worker with the given arguments; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync<T1, T2>(Action<T1, T2> fn, T1 arg1, T2 arg2, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2], null, options, cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion, and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public BatchPoolFuture Submit<T1, T2>(Func<T1, T2, Task> fn, T1 arg1, T2 arg2, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2], null, options);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public async Task<BatchPoolFuture> SubmitAsync<T1, T2>(Func<T1, T2, Task> fn, T1 arg1, T2 arg2, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2], null, options, cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion, and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit<T1, T2>(Func<T1, T2, ValueTask> fn, T1 arg1, T2 arg2, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2], null, options);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync<T1, T2>(Func<T1, T2, ValueTask> fn, T1 arg1, T2 arg2, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2], null, options, cancellationToken).ConfigureAwait(false);
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
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TResult"/> was given as a task type: the worker awaits the task, and the future holds its value.</exception>
    public BatchPoolFuture<TResult> Submit<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> fn, T1 arg1, T2 arg2, T3 arg3, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3], typeof(TResult), options);
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
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TResult"/> was given as a task type: the worker awaits the task, and the future holds its value.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> fn, T1 arg1, T2 arg2, T3 arg3, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3], typeof(TResult), options, cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion, and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public BatchPoolFuture<TResult> Submit<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> fn, T1 arg1, T2 arg2, T3 arg3, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3], typeof(TResult), options);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> fn, T1 arg1, T2 arg2, T3 arg3, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3], typeof(TResult), options, cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion, and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture<TResult> Submit<T1, T2, T3, TResult>(Func<T1, T2, T3, ValueTask<TResult>> fn, T1 arg1, T2 arg2, T3 arg3, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3], typeof(TResult), options);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, ValueTask<TResult>> fn, T1 arg1, T2 arg2, T3 arg3, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3], typeof(TResult), options, cancellationToken).ConfigureAwait(false);
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
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit<T1, T2, T3>(Action<T1, T2, T3> fn, T1 arg1, T2 arg2, T3 arg3, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3], null, options);
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
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync<T1, T2, T3>(Action<T1, T2, T3> fn, T1 arg1, T2 arg2, T3 arg3, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3], null, options, cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion, and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public BatchPoolFuture Submit<T1, T2, T3>(Func<T1, T2, T3, Task> fn, T1 arg1, T2 arg2, T3 arg3, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3], null, options);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public async Task<BatchPoolFuture> SubmitAsync<T1, T2, T3>(Func<T1, T2, T3, Task> fn, T1 arg1, T2 arg2, T3 arg3, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3], null, options, cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion, and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit<T1, T2, T3>(Func<T1, T2, T3, ValueTask> fn, T1 arg1, T2 arg2, T3 arg3, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3], null, options);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync<T1, T2, T3>(Func<T1, T2, T3, ValueTask> fn, T1 arg1, T2 arg2, T3 arg3, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3], null, options, cancellationToken).ConfigureAwait(false);
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
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TResult"/> was given as a task type: the worker awaits the task, and the future holds its value.</exception>
    public BatchPoolFuture<TResult> Submit<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3, arg4], typeof(TResult), options);
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
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TResult"/> was given as a task type: the worker awaits the task, and the future holds its value.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3, arg4], typeof(TResult), options, cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion, and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="T4">The type of the fourth argument.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public BatchPoolFuture<TResult> Submit<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, Task<TResult>> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3, arg4], typeof(TResult), options);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="T4">The type of the fourth argument.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, Task<TResult>> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3, arg4], typeof(TResult), options, cancellationToken).ConfigureAwait(false);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion, and returns a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="T4">The type of the fourth argument.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture<TResult> Submit<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, ValueTask<TResult>> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3, arg4], typeof(TResult), options);
        return new BatchPoolFuture<TResult>(job, 0);
    }

    /// <summary>Calls an asynchronous function on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its value.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="T4">The type of the fourth argument.</typeparam>
    /// <typeparam name="TResult">The type of the value the function's task completes with.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture<TResult>> SubmitAsync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, ValueTask<TResult>> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3, arg4], typeof(TResult), options, cancellationToken).ConfigureAwait(false);
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
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit<T1, T2, T3, T4>(Action<T1, T2, T3, T4> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3, arg4], null, options);
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
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync<T1, T2, T3, T4>(Action<T1, T2, T3, T4> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3, arg4], null, options, cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion, and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="T4">The type of the fourth argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public BatchPoolFuture Submit<T1, T2, T3, T4>(Func<T1, T2, T3, T4, Task> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3, arg4], null, options);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="T4">The type of the fourth argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    [OverloadResolutionPriority(1)]
    public async Task<BatchPoolFuture> SubmitAsync<T1, T2, T3, T4>(Func<T1, T2, T3, T4, Task> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3, arg4], null, options, cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion, and returns a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="T4">The type of the fourth argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public BatchPoolFuture Submit<T1, T2, T3, T4>(Func<T1, T2, T3, T4, ValueTask> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4, SubmitOptions? options = null)
    {
        var job = SubmitCore(fn, [arg1, arg2, arg3, arg4], null, options);
        return BatchPoolFuture.ForCall(job);
    }

    /// <summary>Calls an asynchronous action on a worker, which awaits it to completion; completes, once the job is submitted, with a future of its completion.</summary>
    /// <typeparam name="T1">The type of the first argument.</typeparam>
    /// <typeparam name="T2">The type of the second argument.</typeparam>
    /// <typeparam name="T3">The type of the third argument.</typeparam>
    /// <typeparam name="T4">The type of the fourth argument.</typeparam>
    /// <param name="fn">The function; it travels with everything it captures.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="cancellationToken">Cancels the submission while it is in progress (it then throws <see cref="OperationCanceledException"/>); it does not cancel the job once submitted: the future's <c>Cancel()</c> does.</param>
    /// <param name="options">This call's own settings (its job's <see cref="SubmitOptions.MaxAttempts"/>); null: the executor's.</param>
    /// <exception cref="UnserializableValueException">The function, a capture or an argument cannot be shipped.</exception>
    /// <exception cref="ExecutorShutDownException">The executor was shut down.</exception>
    public async Task<BatchPoolFuture> SubmitAsync<T1, T2, T3, T4>(Func<T1, T2, T3, T4, ValueTask> fn, T1 arg1, T2 arg2, T3 arg3, T4 arg4, CancellationToken cancellationToken = default, SubmitOptions? options = null)
    {
        var job = await SubmitCoreAsync(fn, [arg1, arg2, arg3, arg4], null, options, cancellationToken).ConfigureAwait(false);
        return BatchPoolFuture.ForCall(job);
    }

    private PendingJob SubmitCore(Delegate function, object?[] arguments, Type? futureType, SubmitOptions? options)
    {
        CheckReturn(function, futureType);
        var prepared = Prepare(function, [[arguments]], maxAttempts: options?.MaxAttempts ?? _retries.MaxAttempts);
        SubmitAsync(prepared, CancellationToken.None).GetAwaiter().GetResult();
        return prepared[0].Job;
    }

    private async Task<PendingJob> SubmitCoreAsync(Delegate function, object?[] arguments, Type? futureType, SubmitOptions? options, CancellationToken cancellationToken)
    {
        CheckReturn(function, futureType);
        cancellationToken.ThrowIfCancellationRequested();
        var prepared = Prepare(function, [[arguments]], maxAttempts: options?.MaxAttempts ?? _retries.MaxAttempts);
        await SubmitAsync(prepared, cancellationToken).ConfigureAwait(false);
        return prepared[0].Job;
    }

    /// <summary>
    /// Refuses a function whose future could not hold what its call delivers: only a task type given as an explicit
    /// type argument gets there (<c>Submit&lt;Task&lt;int&gt;&gt;(f)</c> binds the form of plain values, and the worker
    /// awaits the task), which would otherwise fail at <c>Result()</c> with an invalid cast.
    /// </summary>
    private static void CheckReturn(Delegate? function, Type? futureType)
    {
        if (function is null)
        {
            return;
        }
        var returned = CallReturn.Of(function.GetType());
        if (!returned.Fits(futureType))
        {
            var declared = function.GetType().GetMethod("Invoke")!.ReturnType;
            throw new ArgumentException(
                $"The function returns {declared}, which the worker awaits: its future holds {(returned.ValueType is { } value ? $"a {value}" : "no value")}, " +
                $"not a {futureType}. Leave the type arguments to the compiler, which picks the form for asynchronous functions.",
                "fn");
        }
    }
}
