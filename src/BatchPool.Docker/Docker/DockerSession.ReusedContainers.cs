using System.Globalization;
using BatchPool.Backends;
using BatchPool.Storage;
using BatchPool.Worker;

namespace BatchPool.Docker;

/// <summary>The Docker session's mode with <see cref="ContainerSettings.ReuseContainers"/>: a container per slot, a process per job.</summary>
internal sealed partial class DockerSession
{
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
                    try
                    {
                        container = await RunInSlotAsync(job, slot, container).ConfigureAwait(false);
                    }
#pragma warning disable CA1031 // Any failure is this job's, reported through its outcome; the slot starts again with a new container.
                    catch (Exception e) when (e is not OperationCanceledException || !_closing.IsCancellationRequested)
#pragma warning restore CA1031
                    {
                        Ended(job, LostTo(job, e));
                        if (container is not null)
                        {
                            Remove(container);
                            container = null;
                        }
                    }
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
                    container = await _outage.CallAsync(() => _engine.CreateAsync(SlotSpecOf(slot, preparation), CancellationToken.None)).ConfigureAwait(false);
                }
                catch (ContainerEngineException e)
                {
                    Ended(job, ContainerEnds.CreateFailed(_settings.Image, e.Message));
                    return null;
                }
                try
                {
                    await _outage.CallAsync(() => _engine.StartAsync(container, CancellationToken.None)).ConfigureAwait(false);
                }
                catch (ContainerEngineException e)
                {
                    Ended(job, ContainerEnds.StartFailed(_settings.Image, e.Message, await LogTailQuietlyAsync(container).ConfigureAwait(false)));
                    Remove(container);
                    return null;
                }
            }
            try
            {
                exec = await _outage.CallAsync(() => _engine.ExecCreateAsync(container, WorkerCommand(job, preparation.WorkerPath!), _options.JobEnvironment(), _settings.User, CancellationToken.None)).ConfigureAwait(false);
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
            var runningExec = _outage.CallAsync(() => _engine.ExecRunAsync(exec, LogTailLines, CancellationToken.None));
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
            var code = await _outage.CallAsync(() => _engine.ExecExitCodeAsync(exec, CancellationToken.None)).ConfigureAwait(false);
            // A job that succeeded leaves its container as it was: only a failure needs the container's state.
            var state = code == 0 && !job.CancelRequested
                ? new ContainerEnd(0, false, null, Running: true)
                : await _outage.CallAsync(() => _engine.InspectEndAsync(container, CancellationToken.None)).ConfigureAwait(false);
            // The engine flags a container out of memory only when its first process is killed: an exec'd job killed
            // for memory shows as SIGKILL, and the engine's "oom" event says why.
            var oom = state.OomKilled || (code == 128 + 9 && !job.CancelRequested && _settings.MemoryBytes is not null &&
                await _outage.CallAsync(() => _engine.OutOfMemoryEventAsync(container, started.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1), CancellationToken.None)).ConfigureAwait(false));
            var (notRun, containerDied, keepIt) = ContainerEnds.ExecEnd(code, state.Running, oom, job.CancelRequested);
            outcome = notRun ? ContainerEnds.NotRunIn(container, log)
                // The container itself stopped under the job (its idle worker died: no runtime for it, ...): its end says why.
                : containerDied ? await EndOfDeadContainerAsync(job, container, new ContainerEngineException($"the exec ended with code {code}: {log}")).ConfigureAwait(false)
                : OutcomeOf(job, state with { ExitCode = code, OomKilled = oom }, log, container);
            keep = keepIt;
        }
        catch (ContainerEngineException e)
        {
            // The exec could not run: no dotnet in the image, or the container died under it (its end says why).
            outcome = ContainerEnds.IsMissingExecutable(e.Message)
                ? new BatchJobOutcome(BatchJobState.Failed, Detail: ContainerEnds.StartFailure(_settings.Image, e.Message))
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
            await _outage.CallAsync(() => _engine.WaitAsync(container, CancellationToken.None)).ConfigureAwait(false);
            var end = await _outage.CallAsync(() => _engine.InspectEndAsync(container, CancellationToken.None)).ConfigureAwait(false);
            var log = await _outage.CallAsync(() => _engine.LogTailAsync(container, LogTailLines, CancellationToken.None)).ConfigureAwait(false);
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
}
