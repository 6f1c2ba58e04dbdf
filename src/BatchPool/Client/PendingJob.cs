using System.Runtime.ExceptionServices;
using BatchPool.Backends;
using BatchPool.Codec;
using BatchPool.Diagnostics;

namespace BatchPool.Client;

/// <summary>
/// One job of an executor, from submission to its calls' outcomes: the state shared by the futures of its calls
/// (one for <c>Submit</c>) or by a <c>Map</c> that waits on its chunk.
/// </summary>
internal sealed class PendingJob(BatchPoolExecutor executor, string callName, int callCount) : IThreadPoolWorkItem, IJobStartObserver
{
    private readonly TaskCompletionSource<CallOutcome[]> _outcomes = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private BatchJob? _job;
    // Copied on write: attempts are recorded one at a time (an attempt ends before the next starts), and read from anywhere.
    private BatchJobAttempt[] _attempts = [];
    private int _timedOut;

    public string CallName { get; } = callName;

    public int CallCount { get; } = callCount;

    /// <summary>How many times the job may run in all: its Submit's or Map's own, else its executor's.</summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>Completes with every call's outcome, faults with <see cref="BatchJobFailedException"/> (or a submission
    /// error), or is cancelled.</summary>
    public Task<CallOutcome[]> Outcomes => _outcomes.Task;

    public bool IsRunning => !_outcomes.Task.IsCompleted && _job?.State == BatchJobState.Running;

    public BatchJob? Job => Volatile.Read(ref _job);

    /// <summary>What the executor's telemetry keeps of this job; null when nothing listened as it was submitted.</summary>
    public JobLife? Life { get; set; }

    /// <summary>What the status document keeps of the job (fed by the executor's telemetry); it lets go of the job once it ended.</summary>
    public Status.JobRecord Record
    {
        get
        {
            if (Volatile.Read(ref _record) is { } record)
            {
                return record;
            }
            var created = new Status.JobRecord(CallName, CallCount, this);
            return Interlocked.CompareExchange(ref _record, created, null) ?? created;
        }
    }

    private Status.JobRecord? _record;


    /// <summary>What call <paramref name="index"/> printed (see <see cref="BatchPoolFuture.Log"/>).</summary>
    public Task<string> ReadLogAsync(int index, CancellationToken cancellationToken) => executor.ReadLogAsync(CallName, index, cancellationToken);

    /// <summary>What submits the job again when an attempt is lost; let go once the job has its outcome.</summary>
    public BatchJobRequest? Request { get; set; }

    /// <summary>The attempt that runs now or ran last, from 1.</summary>
    public int Attempt => Volatile.Read(ref _attempts).Length + 1;

    /// <summary>The attempts that ended without the calls' results, in order (read by the telemetry and the status file).</summary>
    public IReadOnlyList<BatchJobAttempt> Attempts => Volatile.Read(ref _attempts);

    /// <summary>When the executor first saw the current attempt running (for the per-job timeout), in <see cref="Environment.TickCount64"/> ms.</summary>
    public long RunningSince { get; set; }

    /// <summary>Whether the executor stopped the current attempt for running past its timeout.</summary>
    public bool TimedOutHere => Volatile.Read(ref _timedOut) != 0;

    /// <summary>Marks the current attempt as stopped for its timeout; true the first time.</summary>
    public bool MarkTimedOut() => Interlocked.Exchange(ref _timedOut, 1) == 0;

    /// <summary>Records an attempt that ended without the calls' results.</summary>
    public BatchJobAttempt RecordAttempt(BatchJob job, BatchJobOutcome outcome, string cause, bool retried)
    {
        var attempts = Volatile.Read(ref _attempts);
        var attempt = new BatchJobAttempt(attempts.Length + 1, job.Id, outcome.State, outcome.ExitCode, outcome.Signal, cause, retried);
        Volatile.Write(ref _attempts, [.. attempts, attempt]);
        return attempt;
    }

    /// <summary>Links the next attempt's job, once the previous one ended.</summary>
    public void Retry(BatchJob job)
    {
        RunningSince = 0;
        executor.Telemetry.Retried(this);
        Attach(job);
        executor.Telemetry.Accepted(this, job);
    }

    /// <summary>Links the backend's job; cancels it at once when the caller cancelled while it was being submitted.</summary>
    public void Attach(BatchJob job)
    {
        Volatile.Write(ref _job, job);
        if (_outcomes.Task.IsCanceled)
        {
            executor.CancelInBackend(job);
        }
    }

    /// <summary>Runs once the backend's job has ended (<see cref="BatchJob.WhenEnded"/>): collects its outcomes.</summary>
    void IThreadPoolWorkItem.Execute() => executor.Collect(this, Job!);

    /// <summary>Runs when the backend's job starts, once something listens (<see cref="BatchJob.WhenRunning"/>).</summary>
    void IJobStartObserver.Started() => executor.Telemetry.Running(this);

    public void Complete(CallOutcome[] outcomes)
    {
        Request = null;
        if (_outcomes.TrySetResult(outcomes))
        {
            executor.Telemetry.Ended(this, outcomes);
        }
    }

    public void Fail(Exception error)
    {
        Request = null;
        if (_outcomes.TrySetException(error))
        {
            executor.Telemetry.Ended(this, JobEnd.Failed, error);
        }
    }

    /// <summary>Cancels the job unless it already ended; true when it is now cancelled.</summary>
    public bool Cancel()
    {
        if (_outcomes.Task.IsCanceled)
        {
            return true;
        }
        if (!_outcomes.TrySetCanceled())
        {
            return false;
        }
        executor.Telemetry.Ended(this, JobEnd.Cancelled, null);
        if (Job is { } job)
        {
            executor.CancelInBackend(job);
        }
        return true;
    }

    /// <summary>Waits for the outcomes; throws <see cref="TimeoutException"/> without cancelling, or the job's failure.</summary>
    public CallOutcome[] Wait(TimeSpan? timeout)
    {
        var task = _outcomes.Task;
        if (!task.IsCompleted)
        {
            try
            {
                // Task.Wait spins briefly before it blocks: most results of a busy map arrive within the spin.
                if (!task.Wait(timeout ?? Timeout.InfiniteTimeSpan))
                {
                    throw TimedOut(timeout);
                }
            }
            catch (AggregateException)
            {
                // A failed or cancelled job: GetResult below throws its exception as it is.
            }
        }
        return task.GetAwaiter().GetResult();
    }

    public async Task<CallOutcome[]> WaitAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await _outcomes.Task.WaitAsync(timeout ?? Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw TimedOut(timeout);
        }
    }

    /// <summary>The value of call <paramref name="index"/>, or its exception re-thrown with its remote stack trace.</summary>
    public static object? ValueOf(CallOutcome[] outcomes, int index)
    {
        var outcome = outcomes[index];
        if (outcome.Error is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }
        return outcome.Value;
    }

    private TimeoutException TimedOut(TimeSpan? timeout) =>
        new($"The result of {CallName} did not arrive within {timeout}; the job goes on, and the result can be awaited again.");
}
