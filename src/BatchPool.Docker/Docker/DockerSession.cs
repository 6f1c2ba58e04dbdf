using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using BatchPool.Backends;
using BatchPool.FateSharing;
using BatchPool.Storage;
using BatchPool.Worker;

namespace BatchPool.Docker;

/// <summary>What a session's containers are made of, beside each job's own command.</summary>
internal sealed record ContainerSettings(string Image, long? NanoCpus, long? MemoryBytes, string? User, int ParallelJobs, bool ReuseContainers = false);

/// <summary>
/// One executor's jobs on the Docker backend: a queue, and <see cref="ContainerSettings.ParallelJobs"/> slots, each of
/// which runs one job at a time, by default in a container of its own; with <see cref="ContainerSettings.ReuseContainers"/>
/// a slot keeps one container and runs each job in it as a process of its own (DockerSession.ReusedContainers.cs). Every
/// container carries the executor's and the session's labels; disposal kills what runs and removes every container the
/// session created.
/// </summary>
/// <remarks>
/// <code>
///  SubmitAsync ──► queue (first attempts) ─┐
///  (a retry) ────► retried (taken first) ──┴─► slot: Take ─► Create ─► Start ─► Wait ─► read end ─► Ended ─► Remove
///                                                    (the next job's Create    (exit code,   (ContainerEnds.OutcomeOf:
///                                                     runs while this runs)     OOM flag,     pure; the executor's
///  CancelAsync ─► kill the container (its Wait returns) ─────────────────────►  log tail)     JobEndClassifier decides
///  DisposeAsync ─► kill all, end the queued, remove by label                                  on a retry)
///  every engine call ─► EngineOutage: made again once an engine that could not be reached answers (60 s at most)
///  anything unexpected in a slot ─► that job ends Lost (run again), the slot goes on
/// </code>
/// </remarks>
internal sealed partial class DockerSession : IBatchSession
{
    public const string ExecutorLabel = "batchpool.executor";

    /// <summary>A container's id as the engine's listings show it (its first 12 characters).</summary>
    private static string Short(string container) => container.Length > 12 ? container[..12] : container;
    public const string SessionLabel = "batchpool.session";
    public const string JobLabel = "batchpool.job";
    public const string SlotLabel = "batchpool.slot";

    private const int LogTailLines = 40;

    private readonly IContainerEngine _engine;
    private readonly IBatchStorage _storage;
    private readonly BatchSessionOptions _options;
    private readonly ContainerSettings _settings;
    private readonly Channel<DockerJob> _queue = Channel.CreateUnbounded<DockerJob>();
    // Later attempts of lost jobs, taken before the queue (see BatchJobRequest.Attempt); each is in the queue too, where
    // it wakes a slot, and is skipped once taken.
    private readonly ConcurrentQueue<DockerJob> _retried = new();
    private readonly ConcurrentDictionary<BatchJob, DockerJob> _jobs = new();
    private readonly ConcurrentDictionary<Task, bool> _removals = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly EngineOutage _outage;
    private readonly Lazy<Task<Preparation>> _preparation;
    private readonly Task[] _slots;
    private long _lastJob;
    private int _disposed;
    private Task? _disposal;
    private readonly ProgramEndWatcher? _programEnd;

    public DockerSession(IContainerEngine engine, IBatchStorage storage, BatchSessionOptions options, ContainerSettings settings)
    {
        _engine = engine;
        _storage = storage;
        _options = options;
        _settings = settings;
        SessionId = Guid.NewGuid().ToString("N")[..10];
        _outage = new EngineOutage(engine, _closing.Token);
        // Before any container exists: whatever this session creates is removed once the program is gone.
        _programEnd = options.JobsOutliveProgram ? null : ProgramEndWatcher.Start(DockerCleanupScript.For(engine.Endpoint, SessionId));
        _preparation = new Lazy<Task<Preparation>>(PrepareAsync);
        _slots = [.. Enumerable.Range(0, settings.ParallelJobs).Select(slot => Task.Run(settings.ReuseContainers ? () => RunReusingSlotAsync(slot) : RunSlotAsync))];
    }

    /// <summary>The value of <see cref="SessionLabel"/> on this session's containers.</summary>
    public string SessionId { get; }

    public ValueTask<IReadOnlyList<BatchJob>> SubmitAsync(IReadOnlyList<BatchJobRequest> jobs, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        ArgumentNullException.ThrowIfNull(jobs);
        // The image check and the worker's shipping start with the first job, once for the session.
        _ = _preparation.Value;
        var accepted = new BatchJob[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            var number = Interlocked.Increment(ref _lastJob).ToString(CultureInfo.InvariantCulture);
            var job = new DockerJob(new BatchJob($"batchpool-{_options.ExecutorName}-{SessionId}-{number}", jobs[i].Name), jobs[i].WorkerArguments);
            accepted[i] = job.Batch;
            _jobs[job.Batch] = job;
            if (jobs[i].Attempt > 1)
            {
                _retried.Enqueue(job);
            }
            _queue.Writer.TryWrite(job);
        }
        return ValueTask.FromResult<IReadOnlyList<BatchJob>>(accepted);
    }

    public async ValueTask CancelAsync(BatchJob job)
    {
        if (!_jobs.TryGetValue(job, out var queued))
        {
            return;
        }
        string? container;
        lock (queued)
        {
            queued.CancelRequested = true;
            if (!queued.Started)
            {
                // Not started: it never will be (its slot checks under this lock before starting it).
                Ended(queued, ContainerEnds.CancelledBeforeStart);
                return;
            }
            container = queued.ContainerId;
        }
        await KillQuietlyAsync(container!).ConfigureAwait(false);
    }

    /// <summary>
    /// Closes the session; every caller (the executor, its backend) waits for the one closing to finish, so that no
    /// caller goes on (and disposes the engine's client, say) while containers are still being stopped and removed.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        lock (_queue)
        {
            Volatile.Write(ref _disposed, 1);
            _disposal ??= Task.Run(CloseAsync);
        }
        return new ValueTask(_disposal);
    }

    private async Task CloseAsync()
    {
        _queue.Writer.TryComplete();
        await _closing.CancelAsync().ConfigureAwait(false);
        // Stop what runs: its slot reads the end and reports the job cancelled. What is not started never will be.
        var running = new List<string>();
        foreach (var job in _jobs.Values)
        {
            lock (job)
            {
                job.CancelRequested = true;
                if (job.Started)
                {
                    running.Add(job.ContainerId!);
                }
            }
        }
        await Task.WhenAll(running.Select(KillQuietlyAsync)).ConfigureAwait(false);
        await Task.WhenAll(_slots).ConfigureAwait(false);
        while (_queue.Reader.TryRead(out var left))
        {
            Ended(left, ContainerEnds.ShutDownBeforeStart);
        }
        foreach (var left in _jobs.Values)
        {
            Ended(left, ContainerEnds.ShutDownBeforeStart);
        }
        await Task.WhenAll(_removals.Keys).ConfigureAwait(false);
        // Whatever a failed call may have left behind: every container with this session's label goes.
        try
        {
            var leftovers = await _outage.CallAsync(() => _engine.ListAsync(new Dictionary<string, string> { [SessionLabel] = SessionId }, CancellationToken.None)).ConfigureAwait(false);
            await Task.WhenAll(leftovers.Select(id => _engine.RemoveAsync(id, CancellationToken.None))).ConfigureAwait(false);
        }
        catch (ContainerEngineException)
        {
            // No engine, no containers of ours to remove.
        }
        _programEnd?.Dispose();
        _closing.Dispose();
    }

    private async Task RunSlotAsync()
    {
        // A slot creates the next job's container while the current job runs: the engine's create is off the jobs' path.
        // Only started containers count against the slots.
        (DockerJob Job, Task<string?> Container)? next = null;
        try
        {
            while (true)
            {
                var current = next ?? await TakeAsync().ConfigureAwait(false);
                next = null;
                if (current is not var (job, creating))
                {
                    return;
                }
                if (!_closing.IsCancellationRequested && TryTake(out var following))
                {
                    next = (following, CreateAsync(following));
                }
                await RunTakenAsync(job, creating).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        finally
        {
            if (next is var (job, creating) && await creating.ConfigureAwait(false) is { } container)
            {
                Ended(job, ContainerEnds.ShutDownBeforeStart);
                Remove(container);
            }
        }
    }

    /// <summary>
    /// Runs a job taken from the queue once its container is made. Whatever goes wrong here that the steps do not expect
    /// ends this job as lost (the executor runs it again), and the slot goes on: a slot that died would hold its job for ever.
    /// </summary>
    private async Task RunTakenAsync(DockerJob job, Task<string?> creating)
    {
        string? container = null;
        try
        {
            container = await creating.ConfigureAwait(false);
            if (container is not null)
            {
                await RunAsync(job, container).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // Any failure is this job's, reported through its outcome.
        catch (Exception e) when (e is not OperationCanceledException || !_closing.IsCancellationRequested)
#pragma warning restore CA1031
        {
            Ended(job, LostTo(job, e));
            if (container is not null)
            {
                Remove(container);
            }
        }
    }

    private static BatchJobOutcome LostTo(DockerJob job, Exception e) =>
        new(BatchJobState.Lost, Detail: $"the Docker session failed while it ran {job.Batch.Id}: {e.GetType().Name}: {e.Message}");


    private static IReadOnlyList<string> WorkerCommand(DockerJob job, string workerPath) => ["dotnet", workerPath, .. job.WorkerArguments];

    /// <summary>Waits for the next job that is still to run and starts creating its container; null once the queue is closed.</summary>
    private async Task<(DockerJob, Task<string?>)?> TakeAsync()
    {
        while (await _queue.Reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
        {
            if (!_closing.IsCancellationRequested && TryTake(out var job))
            {
                return (job, CreateAsync(job));
            }
        }
        return null;
    }

    /// <summary>The next job to run: a retried one first, else the oldest; each job is taken once.</summary>
    private bool TryTake(out DockerJob job)
    {
        while (_retried.TryDequeue(out job!) || _queue.Reader.TryRead(out job!))
        {
            if (!job.Batch.HasEnded && job.TryTake())
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Creates the job's container (not started); on failure the job ends with the reason and this returns null.</summary>
    private async Task<string?> CreateAsync(DockerJob job)
    {
        var preparation = await _preparation.Value.ConfigureAwait(false);
        if (preparation.Failure is { } failure)
        {
            Ended(job, new BatchJobOutcome(BatchJobState.Failed, Detail: failure));
            return null;
        }
        try
        {
            return await _outage.CallAsync(() => _engine.CreateAsync(SpecOf(job, preparation), CancellationToken.None)).ConfigureAwait(false);
        }
        catch (ContainerEngineException e)
        {
            Ended(job, ContainerEnds.CreateFailed(_settings.Image, e.Message));
            return null;
        }
    }

    /// <summary>
    /// Gives <paramref name="container"/> to the job, unless the job was cancelled or the session closed meanwhile: then the
    /// job ends as never started, and false tells the caller not to run it.
    /// </summary>
    private bool TryStart(DockerJob job, string container)
    {
        bool start;
        lock (job)
        {
            job.ContainerId = container;
            start = !job.CancelRequested && !job.Batch.HasEnded;
            job.Started = start;
        }
        if (!start)
        {
            Ended(job, ContainerEnds.ShutDownBeforeStart);
        }
        return start;
    }

    /// <summary>Starts the job's container unless the job was cancelled meanwhile, waits for it, reports how it ended, removes it.</summary>
    private async Task RunAsync(DockerJob job, string container)
    {
        if (!TryStart(job, container))
        {
            Remove(container);
            return;
        }
        try
        {
            await _outage.CallAsync(() => _engine.StartAsync(container, CancellationToken.None)).ConfigureAwait(false);
        }
        catch (ContainerEngineException e)
        {
            Ended(job, ContainerEnds.StartFailed(_settings.Image, e.Message, await LogTailQuietlyAsync(container).ConfigureAwait(false)));
            Remove(container);
            return;
        }
        job.Batch.Location ??= $"container {Short(container)}";
        job.Batch.ReportRunning();
        bool cancelledWhileStarting;
        lock (job)
        {
            cancelledWhileStarting = job.CancelRequested;
        }
        if (cancelledWhileStarting)
        {
            // A cancel that came while the engine was starting the container found it not running yet: kill it now.
            await KillQuietlyAsync(container).ConfigureAwait(false);
        }
        BatchJobOutcome outcome;
        try
        {
            var exit = await _outage.CallAsync(() => _engine.WaitAsync(container, CancellationToken.None)).ConfigureAwait(false);
            // A clean exit needs no inspection: the out-of-memory flag and the engine's error only explain a failure. The log
            // is still read, since a worker that exits 0 without writing its output (a call of Environment.Exit(0)) fails.
            var end = exit is { ExitCode: 0, Error: null }
                ? new ContainerEnd(0, false, null)
                : await _outage.CallAsync(() => _engine.InspectEndAsync(container, CancellationToken.None)).ConfigureAwait(false);
            var log = await _outage.CallAsync(() => _engine.LogTailAsync(container, LogTailLines, CancellationToken.None)).ConfigureAwait(false);
            outcome = OutcomeOf(job, end, log, job.Batch.Id);
        }
        catch (ContainerEngineException e)
        {
            outcome = ContainerEnds.EngineLost(job.Batch.Id, e.Message);
        }
        Ended(job, outcome);
        Remove(container);
    }

    private ContainerSpec SpecOf(DockerJob job, Preparation preparation)
    {
        return new ContainerSpec(
            job.Batch.Id,
            _settings.Image,
            WorkerCommand(job, preparation.WorkerPath!),
            _options.JobEnvironment(),
            new Dictionary<string, string>
            {
                [ExecutorLabel] = _options.ExecutorName,
                [SessionLabel] = SessionId,
                [JobLabel] = job.Batch.Name,
            },
            // With a folder, only the executor's own: the worker, the shipped assemblies, the inputs and the outputs.
            preparation.Mounts,
            _settings.User,
            _settings.NanoCpus,
            _settings.MemoryBytes,
            ReadOnlyMounts: preparation.ReadOnlyMounts,
            HostNetwork: preparation.HostNetwork);
    }

    /// <summary>The container's end in the words every backend reports in: <see cref="ContainerEnds.OutcomeOf"/>, with this job's facts.</summary>
    private BatchJobOutcome OutcomeOf(DockerJob job, ContainerEnd end, string log, string container)
    {
        bool cancelled;
        lock (job)
        {
            cancelled = job.CancelRequested;
        }
        return ContainerEnds.OutcomeOf(new ContainerEndFacts(container, end.ExitCode, end.OomKilled, end.Error, cancelled, log), _settings.Image, _settings.MemoryBytes);
    }

    private void Ended(DockerJob job, BatchJobOutcome outcome)
    {
        job.Batch.ReportEnded(outcome);
        _jobs.TryRemove(job.Batch, out _);
    }

    private void Remove(string container)
    {
        var removal = RemoveQuietlyAsync(container);
        _removals[removal] = true;
        _ = removal.ContinueWith(done => _removals.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RemoveQuietlyAsync(string container)
    {
        try
        {
            await _outage.CallAsync(() => _engine.RemoveAsync(container, CancellationToken.None)).ConfigureAwait(false);
        }
        catch (ContainerEngineException)
        {
            // The session's final sweep by label tries again.
        }
    }

    private async Task KillQuietlyAsync(string container)
    {
        try
        {
            await _outage.CallAsync(() => _engine.KillAsync(container, CancellationToken.None)).ConfigureAwait(false);
        }
        catch (ContainerEngineException)
        {
        }
    }

    private async Task<string?> LogTailQuietlyAsync(string container)
    {
        try
        {
            return await _outage.CallAsync(() => _engine.LogTailAsync(container, LogTailLines, CancellationToken.None)).ConfigureAwait(false);
        }
        catch (ContainerEngineException)
        {
            return null;
        }
    }
}
