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
/// which runs one job at a time, by default in a container of its own: create, start, wait (the engine's wait call, which
/// tells the exit code), read the log tail and, when the container failed, the out-of-memory flag, report, remove. With
/// <see cref="ContainerSettings.ReuseContainers"/> a slot keeps one container and runs each job in it as a process of its
/// own (the engine's exec call). Every container carries the executor's and the session's labels; disposal kills what runs
/// and removes every container the session created.
/// </summary>
internal sealed class DockerSession : IBatchSession
{
    public const string ExecutorLabel = "batchpool.executor";

    /// <summary>A container's id as the engine's listings show it (its first 12 characters).</summary>
    private static string Short(string container) => container.Length > 12 ? container[..12] : container;
    public const string SessionLabel = "batchpool.session";
    public const string JobLabel = "batchpool.job";
    public const string SlotLabel = "batchpool.slot";

    private const int LogTailLines = 40;

    private static readonly BatchJobOutcome ShutDownBeforeStart = new(BatchJobState.Cancelled, Detail: "the executor shut down before the job started");

    private readonly IContainerEngine _engine;
    private readonly IBatchStorage _storage;
    private readonly BatchSessionOptions _options;
    private readonly ContainerSettings _settings;
    private readonly Channel<DockerJob> _queue = Channel.CreateUnbounded<DockerJob>();
    private readonly ConcurrentDictionary<BatchJob, DockerJob> _jobs = new();
    private readonly ConcurrentDictionary<Task, bool> _removals = new();
    private readonly CancellationTokenSource _closing = new();
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
                Ended(queued, new BatchJobOutcome(BatchJobState.Cancelled, Detail: "cancelled before it started"));
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
            Ended(left, ShutDownBeforeStart);
        }
        foreach (var left in _jobs.Values)
        {
            Ended(left, ShutDownBeforeStart);
        }
        await Task.WhenAll(_removals.Keys).ConfigureAwait(false);
        // Whatever a failed call may have left behind: every container with this session's label goes.
        try
        {
            var leftovers = await _engine.ListAsync(new Dictionary<string, string> { [SessionLabel] = SessionId }, CancellationToken.None).ConfigureAwait(false);
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
                if (await creating.ConfigureAwait(false) is { } container)
                {
                    await RunAsync(job, container).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        finally
        {
            if (next is var (job, creating) && await creating.ConfigureAwait(false) is { } container)
            {
                Ended(job, ShutDownBeforeStart);
                Remove(container);
            }
        }
    }

    /// <summary>
    /// A slot that keeps one container (its worker idles on standard input) and runs each job in it as a process of its
    /// own, through the engine's exec call: no container is created or removed per job. The container goes, and the next
    /// job gets a new one, when a job was cancelled (the container is killed), ran out of memory, or was killed.
    /// </summary>
    private async Task RunReusingSlotAsync(int slot)
    {
        string? container = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                while (!_closing.IsCancellationRequested && TryTake(out var job))
                {
                    container = await RunInSlotAsync(job, slot, container).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        finally
        {
            if (container is not null)
            {
                Remove(container);
            }
        }
    }

    /// <summary>Runs a job in the slot's container (made first when there is none); returns the container the next job can use.</summary>
    private async Task<string?> RunInSlotAsync(DockerJob job, int slot, string? container)
    {
        var preparation = await _preparation.Value.ConfigureAwait(false);
        if (preparation.Failure is { } failure)
        {
            Ended(job, new BatchJobOutcome(BatchJobState.Failed, Detail: failure));
            return container;
        }
        string exec;
        var fresh = false;
        while (true)
        {
            if (container is null)
            {
                fresh = true;
                try
                {
                    container = await _engine.CreateAsync(SlotSpecOf(slot, preparation), CancellationToken.None).ConfigureAwait(false);
                }
                catch (ContainerEngineException e)
                {
                    Ended(job, new BatchJobOutcome(BatchJobState.Failed, Detail: $"its container could not be created from image '{_settings.Image}': {e.Message}"));
                    return null;
                }
                try
                {
                    await _engine.StartAsync(container, CancellationToken.None).ConfigureAwait(false);
                }
                catch (ContainerEngineException e)
                {
                    Ended(job, new BatchJobOutcome(BatchJobState.Failed, LogTail: await LogTailQuietlyAsync(container).ConfigureAwait(false), Detail: StartFailure(e)));
                    Remove(container);
                    return null;
                }
            }
            try
            {
                exec = await _engine.ExecCreateAsync(container, WorkerCommand(job, preparation.WorkerPath!), _options.JobEnvironment(), _settings.User, CancellationToken.None).ConfigureAwait(false);
                break;
            }
            catch (ContainerEngineException) when (!fresh)
            {
                // The slot's container stopped between jobs: make a new one.
                Remove(container);
                container = null;
            }
            catch (ContainerEngineException e)
            {
                // A new container that cannot take a job: its idle worker died at once (no dotnet, another runtime, ...).
                Ended(job, await EndOfDeadContainerAsync(job, container, e).ConfigureAwait(false));
                Remove(container);
                return null;
            }
        }
        if (!TryStart(job, container))
        {
            return container;
        }
        job.Batch.Location ??= $"container {Short(container)}";
        job.Batch.ReportRunning();
        var started = DateTimeOffset.UtcNow;
        BatchJobOutcome outcome;
        var keep = false;
        try
        {
            var runningExec = _engine.ExecRunAsync(exec, LogTailLines, CancellationToken.None);
            bool cancelledWhileStarting;
            lock (job)
            {
                cancelledWhileStarting = job.CancelRequested;
            }
            if (cancelledWhileStarting)
            {
                await KillQuietlyAsync(container).ConfigureAwait(false);
            }
            var log = await runningExec.ConfigureAwait(false);
            var code = await _engine.ExecExitCodeAsync(exec, CancellationToken.None).ConfigureAwait(false);
            // A job that succeeded leaves its container as it was: only a failure needs the container's state.
            var state = code == 0 && !job.CancelRequested
                ? new ContainerEnd(0, false, null, Running: true)
                : await _engine.InspectEndAsync(container, CancellationToken.None).ConfigureAwait(false);
            // The engine flags a container out of memory only when its first process is killed: an exec'd job killed
            // for memory shows as SIGKILL, and the engine's "oom" event says why.
            var oom = state.OomKilled || (code == 128 + 9 && !job.CancelRequested && _settings.MemoryBytes is not null &&
                await _engine.OutOfMemoryEventAsync(container, started.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1), CancellationToken.None).ConfigureAwait(false));
            outcome = !state.Running && !oom && !job.CancelRequested && code != 0
                // The container itself stopped under the job (its idle worker died: no runtime for it, ...): its end says why.
                ? await EndOfDeadContainerAsync(job, container, new ContainerEngineException($"the exec ended with code {code}: {log}")).ConfigureAwait(false)
                : OutcomeOf(job, state with { ExitCode = code, OomKilled = oom }, log, container);
            keep = state.Running && !oom && !job.CancelRequested && code is >= 0 and < 128;
        }
        catch (ContainerEngineException e)
        {
            // The exec could not run: no dotnet in the image, or the container died under it (its end says why).
            outcome = IsMissingExecutable(e)
                ? new BatchJobOutcome(BatchJobState.Failed, Detail: StartFailure(e))
                : await EndOfDeadContainerAsync(job, container, e).ConfigureAwait(false);
        }
        Ended(job, outcome);
        if (keep)
        {
            return container;
        }
        Remove(container);
        return null;
    }

    /// <summary>How a job ends whose new container stopped before it could run it: the container's own end, in its words.</summary>
    private async Task<BatchJobOutcome> EndOfDeadContainerAsync(DockerJob job, string container, ContainerEngineException failure)
    {
        try
        {
            await _engine.WaitAsync(container, CancellationToken.None).ConfigureAwait(false);
            var end = await _engine.InspectEndAsync(container, CancellationToken.None).ConfigureAwait(false);
            var log = await _engine.LogTailAsync(container, LogTailLines, CancellationToken.None).ConfigureAwait(false);
            var outcome = OutcomeOf(job, end, log, container);
            return outcome.State == BatchJobState.Succeeded
                ? new BatchJobOutcome(BatchJobState.Failed, 0, null, log, $"the worker in container {container} exited before it could run the job: {failure.Message}")
                : outcome;
        }
        catch (ContainerEngineException e)
        {
            return new BatchJobOutcome(BatchJobState.Failed, Detail: $"container {container} could not run the job: {failure.Message} ({e.Message})");
        }
    }

    /// <summary>A reusing slot's container: the worker idles in it, waiting on a standard input no one writes to.</summary>
    private ContainerSpec SlotSpecOf(int slot, Preparation preparation) => new(
        $"batchpool-{_options.ExecutorName}-{SessionId}-slot{slot}-{Interlocked.Increment(ref _lastJob).ToString(CultureInfo.InvariantCulture)}",
        _settings.Image,
        // The idle worker gives up when the client's lease goes stale (its machine gone), and its container ends with it.
        ["dotnet", preparation.WorkerPath!, .. WorkerProtocol.ServeArgumentsWatching(_storage.Locator, ExecutorLayout.For(_options.ExecutorName).Folder)],
        new Dictionary<string, string>(_options.Environment),
        new Dictionary<string, string>
        {
            [ExecutorLabel] = _options.ExecutorName,
            [SessionLabel] = SessionId,
            [SlotLabel] = slot.ToString(CultureInfo.InvariantCulture),
        },
        preparation.Mounts,
        _settings.User,
        _settings.NanoCpus,
        _settings.MemoryBytes,
        KeepStdinOpen: true,
        preparation.ReadOnlyMounts,
        preparation.HostNetwork);

    private static IReadOnlyList<string> WorkerCommand(DockerJob job, string workerPath) => ["dotnet", workerPath, .. job.WorkerArguments];

    /// <summary>The executor's folder: the worker was shipped to its <c>worker/</c>.</summary>
    private static string ExecutorFolderOf(string workerPath) => Path.GetDirectoryName(Path.GetDirectoryName(workerPath))!;

    /// <summary>
    /// How the session's containers run the worker. With a folder: the worker shipped into the executor's folder, which is
    /// mounted (and nothing else), without network. With a bucket: the worker's own folder on this machine (which holds the
    /// store's package too) mounted read-only, and the host's network, through which the workers reach the bucket; the
    /// jobs' data never passes through this machine's file system.
    /// </summary>
    private async Task<Preparation> WorkerPreparationAsync()
    {
        if (_storage is FileSystemStorage folder)
        {
            var key = await _options.Worker.ShipAsync(folder, _options.ExecutorName).ConfigureAwait(false);
            var workerPath = folder.PathOf(key);
            return new Preparation(workerPath, null, [ExecutorFolderOf(workerPath)], [], HostNetwork: false);
        }
        return new Preparation(_options.Worker.EntryAssemblyPath, null, [], [_options.Worker.Folder], HostNetwork: true);
    }

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

    private bool TryTake(out DockerJob job)
    {
        while (_queue.Reader.TryRead(out job!))
        {
            if (!job.Batch.HasEnded)
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
            return await _engine.CreateAsync(SpecOf(job, preparation), CancellationToken.None).ConfigureAwait(false);
        }
        catch (ContainerEngineException e)
        {
            Ended(job, new BatchJobOutcome(BatchJobState.Failed, Detail: $"its container could not be created from image '{_settings.Image}': {e.Message}"));
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
            Ended(job, ShutDownBeforeStart);
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
            await _engine.StartAsync(container, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ContainerEngineException e)
        {
            Ended(job, new BatchJobOutcome(BatchJobState.Failed, LogTail: await LogTailQuietlyAsync(container).ConfigureAwait(false), Detail: StartFailure(e)));
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
            var exit = await _engine.WaitAsync(container, CancellationToken.None).ConfigureAwait(false);
            // A clean exit needs no inspection: the out-of-memory flag and the engine's error only explain a failure. The log
            // is still read, since a worker that exits 0 without writing its output (a call of Environment.Exit(0)) fails.
            var end = exit is { ExitCode: 0, Error: null }
                ? new ContainerEnd(0, false, null)
                : await _engine.InspectEndAsync(container, CancellationToken.None).ConfigureAwait(false);
            var log = await _engine.LogTailAsync(container, LogTailLines, CancellationToken.None).ConfigureAwait(false);
            outcome = OutcomeOf(job, end, log);
        }
        catch (ContainerEngineException e)
        {
            outcome = new BatchJobOutcome(BatchJobState.Lost, Detail: $"the engine lost container {job.Batch.Id}: {e.Message}");
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

    private BatchJobOutcome OutcomeOf(DockerJob job, ContainerEnd end, string log, string? container = null)
    {
        var name = container ?? job.Batch.Id;
        var code = (int)end.ExitCode;
        if (end.OomKilled)
        {
            var limit = _settings.MemoryBytes is { } bytes ? $"its memory limit of {MemorySize.Describe(bytes)} (memoryPerJob)" : "the memory it could get";
            return new BatchJobOutcome(BatchJobState.OutOfMemory, null, code > 128 ? code - 128 : null, log,
                $"out of memory: container {name} was killed by the kernel for going over {limit}");
        }
        if (code == 0)
        {
            return new BatchJobOutcome(BatchJobState.Succeeded, 0, LogTail: log);
        }
        if (job.CancelRequested)
        {
            return new BatchJobOutcome(BatchJobState.Cancelled, null, code > 128 ? code - 128 : null, log, $"cancelled: container {name} was killed");
        }
        if (code == CommandNotFound && log.Contains("exec dotnet failed", StringComparison.Ordinal))
        {
            // The engine's init could not find the dotnet host in the image.
            return new BatchJobOutcome(BatchJobState.Failed, code, null, log, $"image '{_settings.Image}' cannot start the worker, it has no .NET runtime: {NeedsRuntime}");
        }
        if (code == HostFrameworkMissing || log.Contains("You must install or update .NET", StringComparison.Ordinal))
        {
            return new BatchJobOutcome(BatchJobState.Failed, code, null, log, $"image '{_settings.Image}' has no .NET runtime that runs the worker: {NeedsRuntime}");
        }
        if (code > 128 && code < 128 + 65)
        {
            return new BatchJobOutcome(BatchJobState.Failed, null, code - 128, log, $"container {name} was killed by signal {code - 128}{(code == 137 ? " (SIGKILL)" : "")}");
        }
        return new BatchJobOutcome(BatchJobState.Failed, code, null, log, $"the worker in container {name} exited with code {code}" +
            (string.IsNullOrEmpty(end.Error) ? "" : $"; the engine says: {end.Error}"));
    }

    /// <summary>The exit code of a command that could not be executed (the init's, when the image has no dotnet).</summary>
    private const int CommandNotFound = 127;

    /// <summary>The exit code of the dotnet host when the framework the worker needs is not installed (0x80008096).</summary>
    private const int HostFrameworkMissing = 0x96;

    private static string NeedsRuntime =>
        $"the worker needs the .NET {WorkerDistribution.RuntimeVersion} runtime (Microsoft.NETCore.App {WorkerDistribution.RuntimeVersion}.x) " +
        $"and a 'dotnet' on the image's PATH. Use the default image {DockerBackend.DefaultImage}, or an image built FROM " +
        $"mcr.microsoft.com/dotnet/runtime:{WorkerDistribution.RuntimeVersion}.";

    private static bool IsMissingExecutable(ContainerEngineException e) =>
        e.Message.Contains("executable file not found", StringComparison.Ordinal) || e.Message.Contains("no such file or directory", StringComparison.Ordinal);

    private string StartFailure(ContainerEngineException e) =>
        IsMissingExecutable(e)
            ? $"image '{_settings.Image}' cannot start the worker, it has no .NET runtime: {NeedsRuntime} The engine says: {e.Message}"
            : $"its container could not start from image '{_settings.Image}': {e.Message}";

    private async Task<Preparation> PrepareAsync()
    {
        var image = _settings.Image;
        try
        {
            if (!await _engine.ImageExistsAsync(image, CancellationToken.None).ConfigureAwait(false))
            {
                try
                {
                    await _engine.PullAsync(image, CancellationToken.None).ConfigureAwait(false);
                }
                catch (ContainerEngineException e)
                {
                    return Preparation.Failed($"image '{image}' is not on the Docker engine at {_engine.Endpoint} and could not be pulled: {e.Message}.{Hint(image)}");
                }
                if (!await _engine.ImageExistsAsync(image, CancellationToken.None).ConfigureAwait(false))
                {
                    return Preparation.Failed($"image '{image}' is not on the Docker engine at {_engine.Endpoint}, and pulling it did not bring it.{Hint(image)}");
                }
            }
            return await WorkerPreparationAsync().ConfigureAwait(false);
        }
        catch (ContainerEngineException e)
        {
            return Preparation.Failed(e.Message);
        }
#pragma warning disable CA1031 // Whatever stops the session's preparation is every job's failure, with its reason.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Preparation.Failed($"the worker could not be shipped to storage: {e.Message}");
        }
    }

    private static string Hint(string image) => image == DockerBackend.DefaultImage
        ? " BatchPool's default worker image is built on this machine by docker/build-worker-image.sh (see the README's Docker section)."
        : "";

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
            await _engine.RemoveAsync(container, CancellationToken.None).ConfigureAwait(false);
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
            await _engine.KillAsync(container, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ContainerEngineException)
        {
        }
    }

    private async Task<string?> LogTailQuietlyAsync(string container)
    {
        try
        {
            return await _engine.LogTailAsync(container, LogTailLines, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ContainerEngineException)
        {
            return null;
        }
    }

    private sealed record Preparation(string? WorkerPath, string? Failure, IReadOnlyList<string> Mounts, IReadOnlyList<string> ReadOnlyMounts, bool HostNetwork)
    {
        public static Preparation Failed(string failure) => new(null, failure, [], [], false);
    }

    /// <summary>A job and where its container is; guarded by locking the instance.</summary>
    private sealed class DockerJob(BatchJob batch, IReadOnlyList<string> workerArguments)
    {
        public BatchJob Batch { get; } = batch;

        public IReadOnlyList<string> WorkerArguments { get; } = workerArguments;

        public string? ContainerId { get; set; }

        public bool Started { get; set; }

        public bool CancelRequested { get; set; }
    }
}
