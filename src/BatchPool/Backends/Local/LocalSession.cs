using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using BatchPool.Storage;
using BatchPool.Worker;

namespace BatchPool.Backends.Local;

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

    /// <param name="slot">The slot's index.</param>
    /// <param name="process">The worker started for the slot, not yet connected; or null.</param>
    private void RunSlot(int slot, LocalWorkerProcess? process)
    {
        process?.Connect(_options.Secret, _storageLocator, _executorFolder, _recycleWorkers);
        var inFlight = new Queue<QueuedJob>();
        var pace = new SlotPace();
        var countedIdle = slot == 0;
        var unflushed = false;
        // Whether the slot ends as the session closes, its worker idle: it may then serve the next executor.
        var closed = false;
        try
        {
            while (true)
            {
                if (inFlight.Count == 0 && _resend.IsEmpty)
                {
                    if (!countedIdle && process is { HasExited: false, KilledOnPurpose: false })
                    {
                        countedIdle = true;
                        Interlocked.Increment(ref _idleWorkers);
                    }
                    if (!WaitForQueue())
                    {
                        closed = true;
                        return;
                    }
                    if (process is null or { HasExited: true } or { KilledOnPurpose: true })
                    {
                        if (countedIdle)
                        {
                            // Its worker died idle (or before it was up): this slot is no idle worker the others may
                            // leave the queue to, or it would wait for itself.
                            countedIdle = false;
                            Interlocked.Decrement(ref _idleWorkers);
                        }
                        // A slot without a worker starts one only for a job no other slot takes: another slot may have
                        // taken it since the wake-up, and idle workers get the queue while they can take all of it
                        // (starting a process costs more than a job, and slows the idle worker's boot on a busy machine).
                        var queued = _queue.Reader.Count;
                        if (queued == 0 && _resend.IsEmpty)
                        {
                            continue;
                        }
                        if (Volatile.Read(ref _idleWorkers) is > 0 and var idle && queued <= idle)
                        {
                            Pause(1);
                            continue;
                        }
                        // Nor while the workers at work will have emptied the queue sooner than a new one could start,
                        // unless one waits, started or recycled: taking it costs no start.
                        if (!_growth.WorthStarting(queued, LiveWorkers(), Stopwatch.GetTimestamp()) && !SpareWorkers.AnyWaiting(_startInfo))
                        {
                            Pause(5);
                            continue;
                        }
                    }
                }
                // A killed or dead worker is replaced only once every job sent to it is accounted for: its death is read
                // below as the head job's outcome, and the jobs behind it are sent again.
                var dead = process is null || process.HasExited || process.KilledOnPurpose;
                if (dead && inFlight.Count == 0)
                {
                    Volatile.Write(ref _workers[slot], null);
                    process?.Dispose();
                    process = TryStart(out var failure);
                    Volatile.Write(ref _workers[slot], process);
                    if (process is null)
                    {
                        // No worker can start here: fail the next job with the reason rather than leave it waiting.
                        if (TryTake(out var doomed))
                        {
                            doomed.Job.ReportEnded(new BatchJobOutcome(BatchJobState.Failed, Detail: failure));
                        }
                        continue;
                    }
                    dead = false;
                }
                // Jobs in flight mean a process they were sent to: the one above.
                var worker = process!;
                if (!dead && !worker.IsReady)
                {
                    // No job goes to a worker before it says it is up: one would wait there, while it boots, for nothing
                    // but that worker, as other workers run out of jobs (the map's end then waits for the boot).
                    var up = worker.Receive();
                    if (up.Kind == WorkerReplyKind.Recycled)
                    {
                        // A recycled worker forgot its last executor; it is up once it has read this one's hello.
                        up = worker.Receive();
                    }
                    if (up.Kind != WorkerReplyKind.Ready)
                    {
                        // It died first (or spoke out of turn): the next job fails with how, rather than wait for a
                        // worker that cannot start; a worker killed as the session closes fails none, nor one that
                        // could not forget its last executor (it exits then, and a new worker takes its place).
                        var recycledOne = worker.IsRecycling;
                        worker.Kill();
                        if (!recycledOne && !_closing.IsCancellationRequested && TryTake(out var doomed))
                        {
                            doomed.Job.ReportEnded(up.Outcome ?? new BatchJobOutcome(BatchJobState.Failed, Detail: $"the worker process {worker.Id} answered a job before it said it was up"));
                        }
                        continue;
                    }
                    _growth.Up(Stopwatch.GetTimestamp());
                }
                // Jobs wait inside a worker only while every slot has its share: with as few jobs as slots, each slot
                // runs one, and none waits behind another while a slot is idle.
                var window = dead ? 0 : Math.Clamp(Math.Min(_queue.Reader.Count / _parallelJobs, pace.JobsAhead(MaxJobsInFlight)), 1, MaxJobsInFlight);
                // Refilled by halves, not job by job: jobs sent together cost one write and one wake-up of the worker,
                // and the half still in flight keeps it busy meanwhile.
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
                    unflushed = announceStart;
                }
                if (unflushed)
                {
                    unflushed = false;
                    worker.Flush();
                }
                if (countedIdle)
                {
                    countedIdle = false;
                    Interlocked.Decrement(ref _idleWorkers);
                }
                if (inFlight.Count == 0)
                {
                    continue;
                }

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
                    continue;
                }
                var head = inFlight.Dequeue();
                _sent.TryRemove(head.Job, out _);
                var outcome = reply.Outcome!;
                if (!_killedForCancel.TryRemove(head.Job, out _) && reply.Kind == WorkerReplyKind.Died && outcome.State == BatchJobState.Cancelled)
                {
                    outcome = outcome with { State = BatchJobState.Lost, Detail = $"{outcome.Detail}: stopped to cancel the job before it, whose end raced the cancel" };
                }
                head.Job.ReportEnded(outcome);
                pace.Ended(nextQueued: inFlight.Count > 0);
                _growth.Answered(Stopwatch.GetTimestamp(), pace.JobSeconds);
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
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            closed = true;
        }
        finally
        {
            if (countedIdle)
            {
                Interlocked.Decrement(ref _idleWorkers);
            }
            foreach (var unanswered in inFlight)
            {
                unanswered.Job.ReportEnded(ShutDownBeforeStart);
            }
            Volatile.Write(ref _workers[slot], null);
            if (process is not null && !(closed && inFlight.Count == 0 && TryRecycle(process)))
            {
                process.Dispose();
            }
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
}
