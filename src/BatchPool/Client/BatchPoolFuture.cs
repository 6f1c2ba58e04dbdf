using System.Diagnostics;
using System.Runtime.CompilerServices;
using BatchPool.Client;

namespace BatchPool;

/// <summary>
/// The eventual outcome of one call submitted to a <see cref="BatchPoolExecutor"/>, as in <c>concurrent.futures</c>.
/// This non-generic form is what calls without a value (<see cref="Action"/>, <c>Func&lt;Task&gt;</c>,
/// <c>Func&lt;ValueTask&gt;</c>) return, and the common type of futures of different result types
/// (see <see cref="BatchPoolFutures"/>).
/// </summary>
/// <remarks>
/// Two ways to stop, never to be confused: a <see cref="CancellationToken"/> or a timeout given to a wait
/// (<see cref="WaitAsync"/>, <c>ResultAsync</c>, <see cref="BatchPoolFutures"/>) stops that wait and leaves the job
/// running; <see cref="Cancel"/> stops the job.
/// </remarks>
public class BatchPoolFuture
{
    private protected readonly PendingJob _job;
    private protected readonly int _index;

    private protected BatchPoolFuture(PendingJob job, int index)
    {
        _job = job;
        _index = index;
    }

    internal static BatchPoolFuture ForCall(PendingJob job) => new(job, 0);

    /// <summary>True once the call was cancelled.</summary>
    public bool Cancelled => _job.Outcomes.IsCanceled;

    /// <summary>True while the call's job runs.</summary>
    public bool Running => _job.IsRunning;

    /// <summary>True once the call finished, failed or was cancelled.</summary>
    public bool Done => _job.Outcomes.IsCompleted;

    /// <summary>
    /// Cancels the call: a queued job never starts, a running job is stopped. Returns false when the call had already
    /// finished; true when it is (now or already) cancelled.
    /// </summary>
    public bool Cancel() => _job.Cancel();

    /// <summary>Cancels the call; see <see cref="Cancel"/>. Cancelling does not wait for the backend: the task is complete at once.</summary>
    /// <param name="cancellationToken">When already cancelled, the call is not cancelled and the task is.</param>
    public Task<bool> CancelAsync(CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled<bool>(cancellationToken) : Task.FromResult(_job.Cancel());

    /// <summary>
    /// Waits for the call and returns the exception it ended with, or null when it succeeded: the function's own
    /// exception (original type, remote stack trace attached), or <see cref="BatchJobFailedException"/> when its job died.
    /// </summary>
    /// <param name="timeout">How long to wait; null waits as long as it takes.</param>
    /// <exception cref="TimeoutException">The call did not finish in time; it goes on.</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled.</exception>
    public Exception? Exception(TimeSpan? timeout = null)
    {
        try
        {
            var outcomes = _job.Wait(timeout);
            return outcomes[_index].Error;
        }
        catch (Exception e) when (e is not (TimeoutException or OperationCanceledException))
        {
            return e;
        }
    }

    /// <summary>Waits for the call to finish; re-throws its exception as <c>Result</c> does.</summary>
    /// <param name="timeout">How long to wait; null waits as long as it takes.</param>
    public void Wait(TimeSpan? timeout = null) => PendingJob.ValueOf(_job.Wait(timeout), _index);

    /// <summary>Waits asynchronously for the call to finish; re-throws its exception.</summary>
    /// <param name="timeout">How long to wait; null waits as long as it takes. A timeout does not cancel the call.</param>
    /// <param name="cancellationToken">Stops waiting (the call goes on; <see cref="Cancel"/> stops it).</param>
    public async Task WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        PendingJob.ValueOf(await _job.WaitAsync(timeout, cancellationToken).ConfigureAwait(false), _index);

    /// <summary>
    /// What the call printed (standard output and standard error), as kept in the executor's folder: written when the call
    /// ended, whatever its end (for a job whose worker died or was stopped, the tail of that worker's log). Empty while it
    /// runs, when it printed nothing, and once the folder was deleted (<c>cleanupBucket</c>). At most the last 1 MiB of
    /// text of each call is kept.
    /// </summary>
    public string Log() => _job.ReadLogAsync(_index, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Log"/>.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public Task<string> LogAsync(CancellationToken cancellationToken = default) => _job.ReadLogAsync(_index, cancellationToken);

    /// <summary>Calls <paramref name="callback"/> with this future once it is done (at once when it already is).</summary>
    /// <param name="callback">The callback; an exception it throws is traced and ignored, as in <c>concurrent.futures</c>.</param>
    public void AddDoneCallback(Action<BatchPoolFuture> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        OnDone(() => callback(this));
    }

    /// <summary>Lets <c>await future</c> wait for the call.</summary>
    public TaskAwaiter GetAwaiter() => WaitAsync().GetAwaiter();

    /// <summary>
    /// A task that completes when the call does: successfully, with the call's exception (as <c>Result</c> throws it),
    /// or cancelled when the call was. For APIs that take tasks (<see cref="Task.WhenAll(Task[])"/>, say).
    /// </summary>
    public Task AsTask() => WaitAsync();

    /// <summary>Completes when the call's job has ended, however it ended.</summary>
    internal Task Completion => _job.Outcomes;

    /// <summary>True when the call is done and ended with an exception (a cancelled call did not).</summary>
    internal bool EndedWithException => Done && !Cancelled && Exception(TimeSpan.Zero) is not null;

    private protected void OnDone(Action callback)
    {
        void Invoke()
        {
            try
            {
                callback();
            }
#pragma warning disable CA1031 // A callback's failure must not take down the thread that completed the future.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Trace.TraceError($"A BatchPoolFuture done-callback threw: {e}");
            }
        }

        if (_job.Outcomes.IsCompleted)
        {
            Invoke();
        }
        else
        {
            _job.Outcomes.ContinueWith(_ => Invoke(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }
}

/// <summary>The eventual value of one call submitted to a <see cref="BatchPoolExecutor"/>, as in <c>concurrent.futures</c>.</summary>
/// <typeparam name="TResult">The function's result type.</typeparam>
public sealed class BatchPoolFuture<TResult> : BatchPoolFuture
{
    internal BatchPoolFuture(PendingJob job, int index)
        : base(job, index)
    {
    }

    /// <summary>
    /// Waits for the call and returns its value. Re-throws the function's exception with its original type and remote
    /// stack trace, or <see cref="BatchJobFailedException"/> when its job died.
    /// </summary>
    /// <param name="timeout">How long to wait; null waits as long as it takes.</param>
    /// <exception cref="TimeoutException">The call did not finish in time; it goes on, and <c>Result</c> may be called again.</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled.</exception>
    public TResult Result(TimeSpan? timeout = null) => (TResult)PendingJob.ValueOf(_job.Wait(timeout), _index)!;

    /// <summary>Waits asynchronously for the call and returns its value; see <see cref="Result"/>.</summary>
    /// <param name="timeout">How long to wait; null waits as long as it takes. A timeout does not cancel the call.</param>
    /// <param name="cancellationToken">Stops waiting (the call goes on; <see cref="BatchPoolFuture.Cancel"/> stops it).</param>
    public async Task<TResult> ResultAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        (TResult)PendingJob.ValueOf(await _job.WaitAsync(timeout, cancellationToken).ConfigureAwait(false), _index)!;

    /// <summary>Calls <paramref name="callback"/> with this future once it is done (at once when it already is).</summary>
    /// <param name="callback">The callback; an exception it throws is traced and ignored, as in <c>concurrent.futures</c>.</param>
    public void AddDoneCallback(Action<BatchPoolFuture<TResult>> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        OnDone(() => callback(this));
    }

    /// <summary>Lets <c>await future</c> produce the call's value.</summary>
    public new TaskAwaiter<TResult> GetAwaiter() => ResultAsync().GetAwaiter();

    /// <summary>
    /// A task that completes with the call's value, faults with its exception (as <see cref="Result"/> throws it), or is
    /// cancelled when the call was. For APIs that take tasks (<see cref="Task.WhenAll{TResult}(Task{TResult}[])"/>, say).
    /// </summary>
    public new Task<TResult> AsTask() => ResultAsync();
}
