namespace BatchPool.Backends;

/// <summary>
/// A job a backend accepted. The backend reports its progress with <see cref="ReportRunning"/> and <see cref="ReportEnded"/>;
/// the executor watches <see cref="State"/> and <see cref="Ended"/>.
/// </summary>
public sealed class BatchJob
{
    // Stands for "ended" in _observer once the observer, if any, was queued.
    private static readonly IThreadPoolWorkItem EndedMark = new NoObserver();

    // A map queues thousands of jobs at once: what each holds until it ends is made only when asked for (the task) or
    // is the executor's own object (the observer), not a task, its source and an async method's state per job.
    private TaskCompletionSource<BatchJobOutcome>? _ended;
    private IThreadPoolWorkItem? _observer;
    private IJobStartObserver? _startObserver;
    private BatchJobOutcome? _outcome;
    private volatile int _state = (int)BatchJobState.Queued;

    // When it started and ended (Stopwatch ticks; 0: not yet), for the executor's status document.
    private long _startedAt;
    private long _endedAt;

    /// <summary>Creates a queued job.</summary>
    /// <param name="id">The engine's identifier of the job (a Slurm job id, a container id, ...).</param>
    /// <param name="name">The job's name, as requested.</param>
    public BatchJob(string id, string name)
    {
        Id = id;
        Name = name;
    }

    /// <summary>The engine's identifier of the job.</summary>
    public string Id { get; }

    /// <summary>The job's name.</summary>
    public string Name { get; }

    /// <summary>The job's current state.</summary>
    public BatchJobState State => (BatchJobState)_state;

    /// <summary>True once the job's outcome was reported.</summary>
    public bool HasEnded => Volatile.Read(ref _outcome) is not null;

    /// <summary>Completes, never faulted, with the job's outcome when the job has ended.</summary>
    public Task<BatchJobOutcome> Ended
    {
        get
        {
            var ended = Volatile.Read(ref _ended);
            if (ended is null)
            {
                var created = new TaskCompletionSource<BatchJobOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
                ended = Interlocked.CompareExchange(ref _ended, created, null) ?? created;
                // An outcome reported before the source existed completes it here (ReportEnded does after it).
                if (Volatile.Read(ref _outcome) is { } outcome)
                {
                    ended.TrySetResult(outcome);
                }
            }
            return ended.Task;
        }
    }

    /// <summary>The outcome, once the job ended.</summary>
    internal BatchJobOutcome? Outcome => Volatile.Read(ref _outcome);

    /// <summary>
    /// Where the job runs or ran, for people (the executor's status document, the <c>batchpool</c> tool): a node's name, a
    /// container, a worker process. Set by its backend when it knows; null until then.
    /// </summary>
    public string? Location { get; set; }

    /// <summary>When the job started (<see cref="System.Diagnostics.Stopwatch"/> ticks), or 0.</summary>
    internal long StartedAt => Volatile.Read(ref _startedAt);

    /// <summary>When the job's outcome was reported (<see cref="System.Diagnostics.Stopwatch"/> ticks), or 0.</summary>
    internal long EndedAt => Volatile.Read(ref _endedAt);

    /// <summary>Records that the job started; ignored once it ended.</summary>
    public void ReportRunning()
    {
        if (Interlocked.CompareExchange(ref _state, (int)BatchJobState.Running, (int)BatchJobState.Queued) == (int)BatchJobState.Queued)
        {
            Volatile.Write(ref _startedAt, System.Diagnostics.Stopwatch.GetTimestamp());
            Volatile.Read(ref _startObserver)?.Started();
        }
    }

    /// <summary>
    /// Tells <paramref name="observer"/> when the job starts, on the thread that reports it: the executor's telemetry,
    /// when something listens. One per job. A job that started before this call (or ran and ended: a quick job of a
    /// large map, before the executor took the backend's answer) is told at once; it may be told twice.
    /// </summary>
    internal void WhenRunning(IJobStartObserver observer)
    {
        Volatile.Write(ref _startObserver, observer);
        if (State is not (BatchJobState.Queued or BatchJobState.Cancelled))
        {
            observer.Started();
        }
    }

    /// <summary>Records how the job ended; only the first report counts.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>True when this was the first report.</returns>
    public bool ReportEnded(BatchJobOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.State is BatchJobState.Queued or BatchJobState.Running)
        {
            throw new ArgumentException("An ended job's state must be a final one.", nameof(outcome));
        }
        if (Interlocked.CompareExchange(ref _outcome, outcome, null) is not null)
        {
            return false;
        }
        Volatile.Write(ref _endedAt, System.Diagnostics.Stopwatch.GetTimestamp());
        _state = (int)outcome.State;
        Volatile.Read(ref _ended)?.TrySetResult(outcome);
        if (Interlocked.Exchange(ref _observer, EndedMark) is { } observer)
        {
            ThreadPool.UnsafeQueueUserWorkItem(observer, preferLocal: true);
        }
        return true;
    }

    /// <summary>
    /// Queues <paramref name="observer"/> to the thread pool once the job has ended (at once if it has): the executor's
    /// way to learn of it without a task per job. One observer per job.
    /// </summary>
    internal void WhenEnded(IThreadPoolWorkItem observer)
    {
        if (Interlocked.CompareExchange(ref _observer, observer, null) is { } previous)
        {
            if (!ReferenceEquals(previous, EndedMark))
            {
                throw new InvalidOperationException($"{this} already has an observer.");
            }
            ThreadPool.UnsafeQueueUserWorkItem(observer, preferLocal: true);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"job {Id} ({Name}), {State}";

    private sealed class NoObserver : IThreadPoolWorkItem
    {
        public void Execute()
        {
        }
    }
}
