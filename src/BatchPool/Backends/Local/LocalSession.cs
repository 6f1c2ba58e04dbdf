using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using BatchPool.Storage;
using BatchPool.Worker;

namespace BatchPool.Backends.Local;

// How jobs flow through a local session:
//
//   SubmitAsync ─► _queue ─┬─► slot thread (RunSlot; one per parallel job), in a loop:
//                _resend ──┘     WaitForWork ─► HaveWorker ─► AwaitReady ─► SendAhead ─────► TakeReply ─┐
//   (the jobs behind a worker        ▲          (start or      (its hello,    (jobs ahead,      (started, │
//    that died, sent again)          │           replace it)    "ready")       one write)        or ended)│
//                                    └────────────────────────────────────────────────────────────────────┘
//                                          requests on its stdin │          ▲ replies on a descriptor of their own
//                                                                ▼          │
//                                          worker process (BatchPool.Worker serve): runs its jobs one by one
//
//   a reply, or the worker's death ─► LocalWorkerEnd (pure) ─► BatchJobOutcome ─► BatchJob.ReportEnded ─► the executor
//   (JobEndClassifier: succeeded, the user's error, lost and retried, cancelled, out of memory, timed out).
//   CancelAsync: a job not started ends here (its worker told to skip it); a running one's worker is killed.

/// <summary>
/// One executor's jobs on the local backend: a queue, and one slot per parallel job, each a thread of its own owning a
/// warm worker process, replaced when it dies or a cancel kills it. The first worker starts with the session, the others
/// when the queue needs them (<see cref="WorkerGrowth"/>). A slot keeps jobs in flight (the first runs, the others wait
/// inside the worker; <see cref="SlotPace"/> says how many) so that the worker never waits for the client between jobs.
/// </summary>
internal sealed class LocalSession : IBatchSession
{
    /// <summary>
    /// The most jobs a slot keeps in flight. A slot sends ahead what its worker runs in a few milliseconds
    /// (<see cref="SlotPace"/>), and never more than its share of the queue: a long map of short calls hides every round
    /// trip, while long jobs and a short queue stay balanced across slots.
    /// </summary>
    private const int MaxJobsInFlight = 1024;

    private static readonly BatchJobOutcome ShutDownBeforeStart = new(BatchJobState.Cancelled, Detail: "the executor shut down before the job started");

    private static long _lastJobId;

    private readonly BatchSessionOptions _options;
    private readonly Channel<QueuedJob> _queue = Channel.CreateUnbounded<QueuedJob>();
    private readonly ConcurrentQueue<QueuedJob> _resend = new();
    private readonly ConcurrentDictionary<BatchJob, SentJob> _sent = new();

    // Running jobs whose cancel killed their worker. A cancel that raced its job's end kills the worker's next job
    // instead: that one is reported lost (and retried by the executor), not cancelled.
    private readonly ConcurrentDictionary<BatchJob, bool> _killedForCancel = new();
    private readonly int _parallelJobs;
    private readonly Task[] _slots;
    private readonly CancellationTokenSource _closing = new();
    private readonly Lock _starting = new();
    private int _disposed;

    // Slots whose worker (live, or the first one booting) has nothing in flight: they take the next jobs.
    private int _idleWorkers;

    // Each slot's worker, for the others to count; and when one more is worth starting.
    private readonly LocalWorkerProcess?[] _workers;
    private readonly WorkerGrowth _growth;

    // The ids of the workers this session started or took from the spares, and how long the spares it leaves may
    // wait for the next executor.
    private readonly List<int> _workerIds = [];
    private readonly TimeSpan _spareLifetime;

    // Whether idle workers are recycled for the next executor as this one closes, and how many were.
    private readonly bool _recycleWorkers;
    private int _recycled;

    private readonly string _storageLocator;
    private readonly string _executorFolder;

    // How this session's workers start (the same for each).
    private readonly ProcessStartInfo _startInfo;

    public LocalSession(BatchSessionOptions options, string storageLocator, int parallelJobs, bool carriesPayloads, TimeSpan spareLifetime, bool recycleWorkers)
    {
        _spareLifetime = spareLifetime;
        _recycleWorkers = recycleWorkers && spareLifetime > TimeSpan.Zero;
        _options = options;
        _storageLocator = storageLocator;
        _executorFolder = ExecutorLayout.For(options.ExecutorName).Folder;
        _startInfo = LocalWorkerProcess.StartInfo(options, spare: false);
        _parallelJobs = parallelJobs;
        CarriesPayloads = carriesPayloads;
        // The first slot's worker counts as idle from the start: it is the one to take the first job while it boots.
        _idleWorkers = 1;
        // Its process starts here, on the caller's thread: a slot's task would start it only once the thread pool has
        // threads, tens of milliseconds later in a fresh client, and the worker's boot is what the first result waits for.
        // The others start when the queue needs them (WorkerGrowth), so that a short map's worker does not share the cores
        // with ones it would not need while it boots.
        var first = TryStart(out _, connect: false);
        // A spare answers at once: how long a worker takes to start is then known from earlier sessions, not measured.
        _growth = first is { IsSpare: true } ? new WorkerGrowth(Stopwatch.GetTimestamp(), WorkerGrowth.LastMeasuredBootSeconds) : new WorkerGrowth();
        _workers = new LocalWorkerProcess?[parallelJobs];
        _workers[0] = first;
        _slots = new Task[parallelJobs];
        for (var slot = 0; slot < parallelJobs; slot++)
        {
            var index = slot;
            // A thread of its own per slot, not the pool's: the slot blocks in reads of its worker's answers, which reach
            // it at once that way, without a hop through the pipes' event loop and the thread pool per answer.
            _slots[slot] = Task.Factory.StartNew(
                () => RunSlot(index, index == 0 ? first : null), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    public bool CarriesPayloads { get; }

    /// <summary>The process ids of the workers this session started or took, in order.</summary>
    internal int[] WorkerIds
    {
        get
        {
            lock (_workerIds)
            {
                return [.. _workerIds];
            }
        }
    }

    public ValueTask<IReadOnlyList<BatchJob>> SubmitAsync(IReadOnlyList<BatchJobRequest> jobs, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var accepted = new BatchJob[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            accepted[i] = new BatchJob(string.Create(CultureInfo.InvariantCulture, $"local-{Environment.ProcessId}-{Interlocked.Increment(ref _lastJobId)}"), jobs[i].Name);
            _queue.Writer.TryWrite(new QueuedJob(accepted[i], jobs[i].WorkerArguments, CarriesPayloads ? jobs[i].Input : default));
        }
        return ValueTask.FromResult<IReadOnlyList<BatchJob>>(accepted);
    }

    public async ValueTask CancelAsync(BatchJob job)
    {
        // Not started: ended here; if it was sent, its worker is told to skip it (and stopped, should it start it
        // meanwhile: see the slots' start notices). Started: its worker is killed, and the slot reports it cancelled.
        // The lock makes "has it started?" one question for both sides.
        bool started;
        SentJob? sent;
        lock (_starting)
        {
            started = job.State == BatchJobState.Running;
            if (!started)
            {
                job.ReportEnded(new BatchJobOutcome(BatchJobState.Cancelled, Detail: "cancelled before it started"));
            }
            if (!_sent.TryGetValue(job, out sent))
            {
                return;
            }
        }
        if (started)
        {
            _killedForCancel[job] = true;
            sent.Process.Kill();
        }
        else
        {
            // On the pool: the write may wait for a full pipe, and cancelling never blocks the caller.
            await Task.Run(() => sent.Process.Skip(sent.CallName)).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _queue.Writer.TryComplete();
        // Cancel first, then kill what was sent: a slot checks the token after registering a job, so one side sees the other.
        await _closing.CancelAsync().ConfigureAwait(false);
        foreach (var (process, _) in _sent.Values)
        {
            process.Kill();
        }
        // And the workers still booting, whose slots wait for them to say they are up.
        for (var slot = 0; slot < _workers.Length; slot++)
        {
            if (Volatile.Read(ref _workers[slot]) is { IsReady: false } booting)
            {
                booting.Kill();
            }
        }
        await Task.WhenAll(_slots).ConfigureAwait(false);
        while (_queue.Reader.TryRead(out var left) || _resend.TryDequeue(out left))
        {
            left.Job.ReportEnded(ShutDownBeforeStart);
        }
        _closing.Dispose();
        // Workers for the next executor: as many as this one used (the next executor of a program most often does what
        // this one did), its own, recycled (RunSlot). Short of that, spares started for it, and one more, so that
        // executors that follow one another without a pause take spares that had two executors' time to boot. (Not
        // when all were recycled: the offer, made on the pool, would count them after the next executor took them.)
        var used = Math.Min(WorkerIds.Length, _parallelJobs);
        if (Volatile.Read(ref _recycled) < used)
        {
            SpareWorkers.Offer(_options, used + 1, _spareLifetime);
        }
    }

    /// <summary>
    /// A slot's loop, as a few named steps (see the diagram at the top of the file): wait for work, have a live worker,
    /// wait for it to be up, send it jobs ahead, and take its next reply; until the session closes.
    /// </summary>
    /// <param name="slot">The slot's index.</param>
    /// <param name="process">The worker started for the slot, not yet connected; or null.</param>
    private void RunSlot(int slot, LocalWorkerProcess? process)
    {
        process?.Connect(_options.Secret, _storageLocator, _executorFolder, _recycleWorkers);
        var state = new SlotState(slot, process) { CountedIdle = slot == 0 };
        // Whether the slot ends as the session closes, its worker idle: it may then serve the next executor.
        var closed = false;
        try
        {
            while (true)
            {
                if (state.InFlight.Count == 0 && _resend.IsEmpty)
                {
                    var wait = WaitForWork(state);
                    if (wait == Step.Close)
                    {
                        closed = true;
                        return;
                    }
                    if (wait == Step.Again)
                    {
                        continue;
                    }
                }
                if (!HaveWorker(state, out var dead))
                {
                    continue;
                }
                // Jobs in flight mean a process they were sent to: the one above.
                var worker = state.Process!;
                if (!dead && !worker.IsReady && !AwaitReady(worker))
                {
                    continue;
                }
                SendAhead(state, worker, dead);
                if (state.InFlight.Count == 0)
                {
                    continue;
                }
                TakeReply(state, worker);
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            closed = true;
        }
        finally
        {
            Release(state, closed);
        }
    }

    /// <summary>What a slot's step leaves its loop to do.</summary>
    private enum Step
    {
        /// <summary>Go on to the next step.</summary>
        Proceed,

        /// <summary>Start the loop again.</summary>
        Again,

        /// <summary>The queue is closed: the slot ends.</summary>
        Close,
    }

    /// <summary>
    /// With nothing in flight: counts the slot's worker idle, waits for queued jobs, and (without a live worker) decides
    /// whether this slot is the one to start a worker for them.
    /// </summary>
    private Step WaitForWork(SlotState state)
    {
        var process = state.Process;
        if (!state.CountedIdle && process is { HasExited: false, KilledOnPurpose: false })
        {
            state.CountedIdle = true;
            Interlocked.Increment(ref _idleWorkers);
        }
        if (!WaitForQueue())
        {
            return Step.Close;
        }
        if (process is not (null or { HasExited: true } or { KilledOnPurpose: true }))
        {
            return Step.Proceed;
        }
        if (state.CountedIdle)
        {
            // Its worker died idle (or before it was up): this slot is no idle worker the others may leave the queue to,
            // or it would wait for itself.
            state.CountedIdle = false;
            Interlocked.Decrement(ref _idleWorkers);
        }
        // A slot without a worker starts one only for a job no other slot takes: another slot may have taken it since the
        // wake-up, and idle workers get the queue while they can take all of it (starting a process costs more than a job,
        // and slows the idle worker's boot on a busy machine).
        var queued = _queue.Reader.Count;
        if (queued == 0 && _resend.IsEmpty)
        {
            return Step.Again;
        }
        if (Volatile.Read(ref _idleWorkers) is > 0 and var idle && queued <= idle)
        {
            Pause(1);
            return Step.Again;
        }
        // Nor while the workers at work will have emptied the queue sooner than a new one could start, unless one waits,
        // started or recycled: taking it costs no start.
        if (!_growth.WorthStarting(queued, LiveWorkers(), Stopwatch.GetTimestamp()) && !SpareWorkers.AnyWaiting(_startInfo))
        {
            Pause(5);
            return Step.Again;
        }
        return Step.Proceed;
    }

    /// <summary>
    /// Replaces a killed or dead worker once every job sent to it is accounted for (its death is read as the head job's
    /// outcome, and the jobs behind it are sent again). False when none could start (the next job then fails with why).
    /// <paramref name="dead"/>: the worker is dead but jobs sent to it are still to be accounted for.
    /// </summary>
    private bool HaveWorker(SlotState state, out bool dead)
    {
        var process = state.Process;
        dead = process is null || process.HasExited || process.KilledOnPurpose;
        if (!dead || state.InFlight.Count > 0)
        {
            return true;
        }
        Volatile.Write(ref _workers[state.Index], null);
        process?.Dispose();
        process = TryStart(out var failure);
        state.Process = process;
        Volatile.Write(ref _workers[state.Index], process);
        if (process is null)
        {
            // No worker can start here: fail the next job with the reason rather than leave it waiting.
            if (TryTake(out var doomed))
            {
                doomed.Job.ReportEnded(new BatchJobOutcome(BatchJobState.Failed, Detail: failure));
            }
            return false;
        }
        dead = false;
        return true;
    }

    /// <summary>
    /// Waits for a worker to say it is up: no job goes to one before, where it would wait, while the worker boots, for
    /// nothing but that worker as other workers run out of jobs (the map's end then waits for the boot). False when it
    /// died first (the next job then fails with how).
    /// </summary>
    private bool AwaitReady(LocalWorkerProcess worker)
    {
        var up = worker.Receive();
        if (up.Kind == WorkerReplyKind.Recycled)
        {
            // A recycled worker forgot its last executor; it is up once it has read this one's hello.
            up = worker.Receive();
        }
        if (up.Kind != WorkerReplyKind.Ready)
        {
            // It died first (or spoke out of turn): the next job fails with how, rather than wait for a worker that cannot
            // start; a worker killed as the session closes fails none, nor one that could not forget its last executor
            // (it exits then, and a new worker takes its place).
            var recycledOne = worker.IsRecycling;
            worker.Kill();
            if (!recycledOne && !_closing.IsCancellationRequested && TryTake(out var doomed))
            {
                doomed.Job.ReportEnded(up.Outcome ?? new BatchJobOutcome(BatchJobState.Failed, Detail: $"the worker process {worker.Id} answered a job before it said it was up"));
            }
            return false;
        }
        _growth.Up(Stopwatch.GetTimestamp());
        return true;
    }

    /// <summary>
    /// Sends the worker jobs ahead, up to the slot's window (none to a dead worker), the first one to an idle worker
    /// marked running at once.
    /// </summary>
    private void SendAhead(SlotState state, LocalWorkerProcess worker, bool dead)
    {
        var inFlight = state.InFlight;
        // Jobs wait inside a worker only while every slot has its share: with as few jobs as slots, each slot runs one,
        // and none waits behind another while a slot is idle.
        var window = dead ? 0 : Math.Clamp(Math.Min(_queue.Reader.Count / _parallelJobs, state.Pace.JobsAhead(MaxJobsInFlight)), 1, MaxJobsInFlight);
        // Refilled by halves, not job by job: jobs sent together cost one write and one wake-up of the worker, and the
        // half still in flight keeps it busy meanwhile.
        var refill = inFlight.Count <= window / 2;
        while (refill && inFlight.Count < window && TryTake(out var queued))
        {
            if (queued.Job.HasEnded)
            {
                continue;
            }
            _sent[queued.Job] = new SentJob(worker, WorkerProtocol.CallNameOf(queued.WorkerArguments) ?? "");
            if (_closing.IsCancellationRequested)
            {
                _sent.TryRemove(queued.Job, out _);
                queued.Job.ReportEnded(ShutDownBeforeStart);
                continue;
            }
            // A job sent to an idle worker starts at once; one queued behind another is announced by the worker.
            var announceStart = inFlight.Count > 0;
            if (!announceStart)
            {
                lock (_starting)
                {
                    if (queued.Job.HasEnded)
                    {
                        _sent.TryRemove(queued.Job, out _);
                        continue;
                    }
                    queued.Job.ReportRunning();
                }
            }
            queued.Job.Location = worker.Location;
            inFlight.Enqueue(queued);
            // The jobs sent ahead together go out in one write; the first one at once, its worker may be idle.
            if (!worker.Send(queued.WorkerArguments, queued.Input, announceStart, flush: !announceStart))
            {
                break;
            }
            state.Unflushed = announceStart;
        }
        if (state.Unflushed)
        {
            state.Unflushed = false;
            worker.Flush();
        }
        if (state.CountedIdle)
        {
            state.CountedIdle = false;
            Interlocked.Decrement(ref _idleWorkers);
        }
    }

    /// <summary>
    /// Takes the worker's next reply: the head job starts (or, cancelled meanwhile, is stopped), or it ended (its outcome
    /// reported, <see cref="LocalWorkerEnd.OfHeadJob"/>); a worker that died leaves the jobs behind it to be sent again.
    /// </summary>
    private void TakeReply(SlotState state, LocalWorkerProcess worker)
    {
        var inFlight = state.InFlight;
        var reply = worker.Receive();
        if (reply.Kind == WorkerReplyKind.Started)
        {
            var starting = inFlight.Peek().Job;
            lock (_starting)
            {
                if (starting.HasEnded)
                {
                    // Cancelled after the worker took it, before the skip could reach it: stop it here.
                    worker.Kill();
                }
                else
                {
                    starting.ReportRunning();
                }
            }
            return;
        }
        var head = inFlight.Dequeue();
        _sent.TryRemove(head.Job, out _);
        head.Job.ReportEnded(LocalWorkerEnd.OfHeadJob(reply, killedForThisJob: _killedForCancel.TryRemove(head.Job, out _)));
        state.Pace.Ended(nextQueued: inFlight.Count > 0);
        _growth.Answered(Stopwatch.GetTimestamp(), state.Pace.JobSeconds);
        if (reply.Kind == WorkerReplyKind.Died)
        {
            // The worker died (or was killed) running the head job; the jobs behind it never started: send them again.
            while (inFlight.TryDequeue(out var unstarted))
            {
                _sent.TryRemove(unstarted.Job, out _);
                _resend.Enqueue(unstarted);
            }
        }
    }

    /// <summary>
    /// The slot's end: jobs still in flight end as not started, and its worker is recycled for the next executor (when
    /// the session closed and it is idle) or closed.
    /// </summary>
    private void Release(SlotState state, bool closed)
    {
        if (state.CountedIdle)
        {
            Interlocked.Decrement(ref _idleWorkers);
        }
        foreach (var unanswered in state.InFlight)
        {
            unanswered.Job.ReportEnded(ShutDownBeforeStart);
        }
        Volatile.Write(ref _workers[state.Index], null);
        if (state.Process is { } process && !(closed && state.InFlight.Count == 0 && TryRecycle(process)))
        {
            process.Dispose();
        }
    }

    /// <summary>
    /// Hands an idle worker to the next executor (<see cref="SpareWorkers.Keep"/>), asked to forget this one; false when it
    /// must be closed instead (recycling is off, or it is not up and well).
    /// </summary>
    private bool TryRecycle(LocalWorkerProcess worker)
    {
        if (!_recycleWorkers || worker is not { IsReady: true, HasExited: false, KilledOnPurpose: false } || !worker.Recycle())
        {
            return false;
        }
        Interlocked.Increment(ref _recycled);
        SpareWorkers.Keep(worker, _spareLifetime);
        return true;
    }

    /// <summary>
    /// Takes a spare or starts a worker; <paramref name="connect"/> false leaves <see cref="LocalWorkerProcess.Connect"/> to
    /// the caller.
    /// </summary>
    private LocalWorkerProcess? TryStart(out string? failure, bool connect = true)
    {
        try
        {
            failure = null;
            var process = SpareWorkers.TryTake(_startInfo) ?? LocalWorkerProcess.Start(_startInfo);
            lock (_workerIds)
            {
                _workerIds.Add(process.Id);
            }
            if (connect)
            {
                process.Connect(_options.Secret, _storageLocator, _executorFolder, _recycleWorkers);
            }
            return process;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            failure = $"the worker process could not start ({WorkerDistribution.DotnetHostPath} {_options.Worker.EntryAssemblyPath}): {e.Message}";
            return null;
        }
    }

    /// <summary>Waits for queued jobs; false once the queue is completed (throws when the session closes).</summary>
    private bool WaitForQueue()
    {
        var waiting = _queue.Reader.WaitToReadAsync(_closing.Token);
        return waiting.IsCompletedSuccessfully ? waiting.Result : waiting.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Waits <paramref name="milliseconds"/>, or throws when the session closes meanwhile.</summary>
    private void Pause(int milliseconds)
    {
        _closing.Token.WaitHandle.WaitOne(milliseconds);
        _closing.Token.ThrowIfCancellationRequested();
    }

    private int LiveWorkers()
    {
        var live = 0;
        for (var slot = 0; slot < _workers.Length; slot++)
        {
            try
            {
                if (Volatile.Read(ref _workers[slot]) is { HasExited: false, KilledOnPurpose: false })
                {
                    live++;
                }
            }
            catch (InvalidOperationException)
            {
                // Its slot disposed of it meanwhile.
            }
        }
        return live;
    }

    private bool TryTake(out QueuedJob queued) => _resend.TryDequeue(out queued!) || _queue.Reader.TryRead(out queued!);

    private sealed record QueuedJob(BatchJob Job, IReadOnlyList<string> WorkerArguments, ReadOnlySequence<byte> Input);

    /// <summary>A job sent to a worker: which one, and the call's name to skip it by.</summary>
    private sealed record SentJob(LocalWorkerProcess Process, string CallName);

    /// <summary>A slot's own state across its loop's steps: one per slot, used by its thread only.</summary>
    private sealed class SlotState(int index, LocalWorkerProcess? process)
    {
        public int Index { get; } = index;

        /// <summary>The slot's worker (null before one starts, or when none could).</summary>
        public LocalWorkerProcess? Process { get; set; } = process;

        /// <summary>The jobs sent to the worker and not answered yet, oldest first (the head one runs).</summary>
        public Queue<QueuedJob> InFlight { get; } = new();

        public SlotPace Pace { get; } = new();

        /// <summary>Whether the slot counts itself among the session's idle workers.</summary>
        public bool CountedIdle { get; set; }

        /// <summary>Whether jobs were sent ahead without a flush.</summary>
        public bool Unflushed { get; set; }
    }
}
