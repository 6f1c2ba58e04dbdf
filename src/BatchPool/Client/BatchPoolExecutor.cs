using System.Buffers;
using System.Security.Cryptography;
using BatchPool.Backends;
using BatchPool.Client;
using BatchPool.Codec;
using BatchPool.Configuration;
using BatchPool.Diagnostics;
using BatchPool.Retries;
using BatchPool.Shipping;
using BatchPool.Status;
using BatchPool.Storage;
using BatchPool.Worker;

namespace BatchPool;

/// <summary>
/// An executor that runs .NET functions as jobs on a batch backend, with the API of Python's
/// <c>concurrent.futures</c> executors and Hail's <c>BatchPoolExecutor</c>: <c>Submit</c> a call and get a future,
/// or <c>Map</c> a function over sequences. Functions travel with their captured state and the user's assemblies;
/// results and exceptions come back the same way.
/// </summary>
/// <remarks>
/// The executor keeps its files under <c>batch-pool-executor/{Name}/</c> in the backend's storage. Disposing it calls
/// <see cref="Shutdown"/> with <c>waitOnExit</c>.
/// </remarks>
public sealed partial class BatchPoolExecutor : IDisposable, IAsyncDisposable
{
    private readonly IBatchBackend _backend;
    private readonly bool _ownsBackend;
    private readonly bool _waitOnExit;
    private readonly bool _cleanupBucket;
    private readonly PayloadCodec _codec;
    private readonly ExecutorLayout _layout;
    private readonly AssemblyShipper _shipper;
    private readonly LargeValueShipper _largeValues;
    private readonly StoredLargeValues _resultValues;
    private readonly IBatchSession _session;
    private readonly RetryPolicy _retries;
    private readonly JobTimeouts? _timeouts;
    private readonly bool _handlesSignals;

    /// <summary>From how many jobs on a map's encoding is worth spreading over the cores.</summary>
    private const int ParallelEncodingJobs = 64;
    private readonly HashSet<PendingJob> _outstanding = [];
    private readonly Lock _gate = new();
    private long _lastCall;

    // Log tails stored by the client (KeepLogTail) stop once the folder is deleted, under this lock.
    private readonly Lock _logGate = new();
    private bool _folderDeleted;

    // The status document's writer (Status/), and the tool's cancel requests it reads.
    private readonly StatusWriter _status;
    private readonly FateSharing.LeaseRenewer? _lease;
    private Task? _shutdown;

    /// <summary>Creates an executor.</summary>
    /// <param name="name">A name for the executor; job names start with it. Default: <c>BatchPoolExecutor-</c> and 4 random characters.</param>
    /// <param name="backend">
    /// The backend that runs the jobs. Default: the one the <c>BATCHPOOL_BACKEND</c> environment variable describes
    /// (<c>local</c>, <c>local:FOLDER</c>, <c>slurm:SHARED-FOLDER</c>, <c>docker</c>, <c>docker:FOLDER</c>; see the README),
    /// else a <see cref="LocalBackend"/>; either is owned and disposed by this executor.
    /// </param>
    /// <param name="image">The container image for each job, on backends that run containers.</param>
    /// <param name="cpusPerJob">The cores for each job (<c>2</c>, <c>0.5</c>, <c>"250m"</c>). Unset requests none and limits threads to 1.</param>
    /// <param name="waitOnExit">Whether disposing waits for every job to finish.</param>
    /// <param name="cleanupBucket">Whether the executor's folder in storage is deleted once it has shut down and every job ended.</param>
    /// <param name="project">The cloud project, for backends whose storage authenticates per project.</param>
    /// <exception cref="BatchPoolSettingException">A setting has a value the executor cannot take.</exception>
    public BatchPoolExecutor(
        string? name = null,
        IBatchBackend? backend = null,
        string? image = null,
        CpuCount? cpusPerJob = null,
        bool waitOnExit = true,
        bool cleanupBucket = true,
        string? project = null)
        : this(new BatchPoolExecutorOptions
        {
            Name = name,
            Backend = backend,
            Image = image,
            CpusPerJob = cpusPerJob,
            WaitOnExit = waitOnExit,
            CleanupBucket = cleanupBucket,
            Project = project,
        }, SettingKeys.ParametersOf<BatchPoolExecutorOptions>(
            nameof(BatchPoolExecutorOptions.Name), nameof(BatchPoolExecutorOptions.Backend), nameof(BatchPoolExecutorOptions.Image),
            nameof(BatchPoolExecutorOptions.CpusPerJob), nameof(BatchPoolExecutorOptions.WaitOnExit), nameof(BatchPoolExecutorOptions.CleanupBucket),
            nameof(BatchPoolExecutorOptions.Project)))
    {
    }

    /// <summary>Creates an executor from its options, checked here.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="BatchPoolSettingException">An option has a value the executor cannot take.</exception>
    public BatchPoolExecutor(BatchPoolExecutorOptions options)
        : this(options, SettingKeys.PropertyOf<BatchPoolExecutorOptions>())
    {
    }

    private BatchPoolExecutor(BatchPoolExecutorOptions options, Func<string, string> keyOf)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(keyOf);
        var name = options.Name;
        var backend = options.Backend;
        var image = options.Image;
        var cpusPerJob = options.CpusPerJob;
        var project = options.Project;
        Name = name ?? CallNames.NewExecutorName();
        _ownsBackend = backend is null;
        _backend = backend ?? BackendSelection.FromEnvironment() ?? new LocalBackend();
        _waitOnExit = options.WaitOnExit;
        _cleanupBucket = options.CleanupBucket;
        Telemetry = new ExecutorTelemetry(Name, _backend, options.LoggerFactory, options.Progress);
        _layout = ExecutorLayout.For(Name);
        // A bucket is checked before any job is submitted: a wrong name, credential, permission or server fails here.
        StorageProbe.Check(_backend, _ownsBackend, _layout);
        _retries = new RetryPolicy(options.MaxAttempts);

        // The secret lives in this process and the workers' memory only; the backend hands it over out of band.
        var secret = RandomNumberGenerator.GetBytes(32);
        // The session first: a backend that starts workers at once (the local one) has them boot while the rest is built
        // and the first job encoded.
        _session = _backend.OpenSession(new BatchSessionOptions(Name, WorkerDistribution.Locate(), secret)
        {
            Image = image,
            CpusPerJob = cpusPerJob,
            Project = project,
            Environment = StorageProbe.WithPassedEnvironment(ThreadLimits.EnvironmentFor(cpusPerJob), options.PassEnvironment),
            JobsOutliveProgram = options.JobsOutliveProgram,
            CleanupBucket = options.CleanupBucket,
        });
        _codec = new PayloadCodec(secret);
        _shipper = new AssemblyShipper(_backend.Storage, _layout, _codec, Telemetry.Stored);
        _largeValues = new LargeValueShipper(_backend.Storage, _layout, Telemetry.Stored);
        _resultValues = new StoredLargeValues(_backend.Storage, _layout);
        _timeouts = options.JobTimeout is { } jobTimeout ? new JobTimeouts(this, jobTimeout) : null;
        _handlesSignals = options.HandleSignals && !OperatingSystem.IsWindows() && !OperatingSystem.IsBrowser();
        if (_handlesSignals)
        {
            FateSharing.SignalShutdown.Watch(this);
        }

        // Jobs stop when the client's machine is gone too, not only its process (FateSharing.ClientLease).
        _lease = options.JobsOutliveProgram ? null : FateSharing.LeaseRenewer.Start(_backend.Storage, _layout);
        _status = new StatusWriter(this, _backend, _layout);
        Telemetry.Status = _status;

        // The first result must not wait for the codec's first-use compilation: do it while the workers start.
        _ = Task.Run(() => _codec.Decode(_codec.Encode(new JobOutput([new CallOutcome(0, null)]), PayloadKind.JobOutput).Bytes, PayloadKind.JobOutput));
        Telemetry.Started();
    }

    /// <summary>The executor's name.</summary>
    public string Name { get; }

    /// <summary>The backend that runs the jobs.</summary>
    public IBatchBackend Backend => _backend;

    /// <summary>Where the executor's job transitions go: spans, metrics, log, progress.</summary>
    internal ExecutorTelemetry Telemetry { get; }

    /// <summary>
    /// Lets temporary resources go: no more calls are accepted, and once every job has ended the executor's folder is
    /// deleted (when <c>cleanupBucket</c>) and its backend session closed. Errors of jobs are not thrown here.
    /// </summary>
    /// <param name="wait">Whether to wait for every job to end before returning.</param>
    /// <param name="cancelFutures">
    /// Whether to cancel every job that has not ended first, as each future's <c>Cancel()</c> does: a queued job never
    /// starts and a running one is stopped (Python's <c>shutdown(cancel_futures=True)</c> cancels queued calls only; a
    /// batch job is stopped as readily as it is dequeued). For a program that must end early (a Ctrl+C handler): the
    /// futures' waits throw <see cref="TaskCanceledException"/>, and with <paramref name="wait"/> this returns once the
    /// backend has stopped the jobs and the folder is gone.
    /// </param>
    public void Shutdown(bool wait = true, bool cancelFutures = false) => ShutdownAsync(wait, cancelFutures).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Shutdown"/>.</summary>
    /// <param name="wait">Whether to wait for every job to end before the task completes.</param>
    /// <param name="cancelFutures">Whether to cancel every job that has not ended first (see <see cref="Shutdown"/>).</param>
    /// <param name="cancellationToken">Stops waiting (<see cref="OperationCanceledException"/>); the shutdown goes on.</param>
    public Task ShutdownAsync(bool wait = true, bool cancelFutures = false, CancellationToken cancellationToken = default)
    {
        Task finishing;
        PendingJob[] cancelling = [];
        lock (_gate)
        {
            if (_shutdown is null)
            {
                Telemetry.Stopping(_outstanding.Count, cancelFutures);
                _shutdown = FinishAsync([.. _outstanding]);
            }
            finishing = _shutdown;
            if (cancelFutures)
            {
                cancelling = [.. _outstanding];
            }
        }
        // Outside the lock: a job that ends meanwhile leaves the outstanding set under it, and a cancel of an ended job is
        // a no-op. No job joins the set after the shutdown began.
        foreach (var job in cancelling)
        {
            job.Cancel();
        }
        return wait ? finishing.WaitAsync(cancellationToken) : Task.CompletedTask;
    }

    /// <summary>Shuts the executor down, waiting for its jobs when it was created with <c>waitOnExit</c>.</summary>
    public void Dispose() => Shutdown(_waitOnExit);

    /// <summary>Shuts the executor down, waiting for its jobs when it was created with <c>waitOnExit</c>.</summary>
    public ValueTask DisposeAsync() => new(ShutdownAsync(_waitOnExit));

    /// <summary>Stops a job in the backend, in the background: cancelling never blocks the caller.</summary>
    internal void CancelInBackend(BatchJob job)
    {
        var cancelling = _session.CancelAsync(job);
        if (!cancelling.IsCompletedSuccessfully)
        {
            _ = cancelling.AsTask().ContinueWith(
                static (task, state) => ((BatchPoolExecutor)state!).Telemetry.BackendError("cancelling a job", task.Exception!.GetBaseException()),
                this, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task FinishAsync(PendingJob[] outstanding)
    {
        foreach (var job in outstanding)
        {
            await ((Task)job.Outcomes).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            // The current attempt's job: a job cancelled while it waited to be retried is not submitted again.
            if (job.Job is { } backendJob)
            {
                // A cancelled job's future is done at once; its worker is stopped only when the backend says so.
                await backendJob.Ended.ConfigureAwait(false);
            }
        }
        _timeouts?.Dispose();
        try
        {
            await _session.DisposeAsync().ConfigureAwait(false);
            if (_lease is not null)
            {
                await _lease.DisposeAsync().ConfigureAwait(false);
            }
            await _status.StopAsync(writeLast: !_cleanupBucket).ConfigureAwait(false);
            if (_cleanupBucket)
            {
                lock (_logGate)
                {
                    _folderDeleted = true;
                }
                await _backend.Storage.DeleteFolderAsync(_layout.Folder).ConfigureAwait(false);
            }
            if (_ownsBackend)
            {
                await _backend.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            Telemetry.BackendError("shutting down", e);
            throw;
        }
        Telemetry.Stopped();
        if (_handlesSignals)
        {
            FateSharing.SignalShutdown.Forget(this);
        }
    }

    /// <summary>
    /// Encodes one job per argument-list group: failures to encode (an unserializable capture) throw here, at the call
    /// site (the first job's failure, in order). A map's jobs are encoded on several cores: the workers have nothing to
    /// do until the map is submitted.
    /// </summary>
    /// <param name="function">The function.</param>
    /// <param name="jobs">The calls of each job.</param>
    /// <param name="map">Whether this is a Map (else a Submit): names the call's span.</param>
    /// <param name="progress">Where a Map reports its own progress.</param>
    /// <param name="maxAttempts">How many times each job may run in all (see <see cref="RetryPolicy"/>); 0: the executor's.</param>
    private List<PreparedJob> Prepare(Delegate function, IReadOnlyList<object?[][]> jobs, bool map = false, IProgress<BatchPoolProgress>? progress = null, int maxAttempts = 0)
    {
        ArgumentNullException.ThrowIfNull(function);
        ThrowIfShutDown();
        var attempts = maxAttempts > 0 ? maxAttempts : _retries.MaxAttempts;
        var pending = jobs.Select(calls => new PendingJob(this, CallNames.ForCall(function, Interlocked.Increment(ref _lastCall)), calls.Length) { MaxAttempts = attempts }).ToList();
        var operation = Telemetry.StartOperation(map, jobs, progress);
        Telemetry.Watch(pending, operation);
        var payloads = new EncodedPayload[jobs.Count];
        var failures = new Exception?[jobs.Count];
        // The jobs of one call capture the same arrays: each large one is hashed once and stored once.
        var largeValues = new LargeValueHashes();
        void Encode(int job)
        {
            try
            {
                payloads[job] = _codec.Encode(new JobInput(function, jobs[job]), PayloadKind.JobInput, largeValues);
            }
#pragma warning disable CA1031 // Kept, and the first one in order rethrown below.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures[job] = e;
            }
        }
        if (jobs.Count >= ParallelEncodingJobs)
        {
            // Break, not Stop: the jobs before a failing one are still encoded, so the failure thrown is the first in order.
            Parallel.For(0, jobs.Count, (job, loop) =>
            {
                Encode(job);
                if (failures[job] is not null)
                {
                    loop.Break();
                }
            });
        }
        else
        {
            for (var job = 0; job < jobs.Count; job++)
            {
                Encode(job);
                if (failures[job] is not null)
                {
                    break;
                }
            }
        }
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            operation?.Abandon(failure);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        return [.. pending.Select((job, i) => new PreparedJob(job, payloads[i]))];
    }

    /// <summary>Ships code, stores the inputs and submits the jobs as one group; a failure fails every job of the group and is thrown.</summary>
    private async Task SubmitAsync(List<PreparedJob> prepared, CancellationToken cancellationToken)
    {
        if (prepared.Count == 0)
        {
            return;
        }
        lock (_gate)
        {
            if (Volatile.Read(ref _shutdown) is not null)
            {
                prepared[0].Job.Life?.Operation?.Abandon(new ExecutorShutDownException(Name));
            }
            ThrowIfShutDown();
            foreach (var (job, _) in prepared)
            {
                _outstanding.Add(job);
            }
        }
        // Outside the lock (a span per job is made here when something listens); a job cancelled meanwhile counts as
        // queued and ended (ExecutorTelemetry.Ended). The telemetry feeds the status document too.
        Telemetry.Queued(prepared.ConvertAll(p => p.Job));
        try
        {
            var manifest = await _shipper.ShipAsync(prepared.SelectMany(p => p.Payload.UserAssemblies).Distinct(), cancellationToken).ConfigureAwait(false);
            await _largeValues.ShipAsync(prepared.SelectMany(p => p.Payload.LargeValues).Distinct(), cancellationToken).ConfigureAwait(false);
            // A session that carries payloads hands them to its workers itself; any other reads them from storage.
            var carried = _session.CarriesPayloads;
            var head = JobFile.Head(manifest);
            if (!carried)
            {
                await Parallel.ForEachAsync(prepared, cancellationToken, async (p, ct) =>
                {
                    var input = JobFile.Compose(head, p.Payload.Bytes);
                    await _backend.Storage.WriteAsync(_layout.InputOf(p.Job.CallName), input, ct).ConfigureAwait(false);
                    Telemetry.Stored(input.Length);
                }).ConfigureAwait(false);
            }
            var requests = prepared.Select(p => new BatchJobRequest(
                $"{Name}-{p.Job.CallName}",
                WorkerProtocol.RunArguments(_backend.Storage.Locator, _layout.Folder, p.Job.CallName),
                carried ? JobFile.Compose(head, p.Payload.Bytes) : default)).ToList();
            var accepted = await _session.SubmitAsync(requests, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < prepared.Count; i++)
            {
                prepared[i].Job.Request = requests[i];
                prepared[i].Job.Attach(accepted[i]);
                Telemetry.Accepted(prepared[i].Job, accepted[i]);
                accepted[i].WhenEnded(prepared[i].Job);
            }
        }
        catch (Exception e)
        {
            if (e is not OperationCanceledException)
            {
                Telemetry.BackendError("submitting jobs", e);
            }
            foreach (var (job, _) in prepared)
            {
                job.Fail(e);
                Forget(job);
            }
            throw;
        }
    }

    /// <summary>
    /// Turns an ended job's output into its calls' outcomes (run by the job's <see cref="PendingJob"/> on the thread
    /// pool, see <see cref="BatchJob.WhenEnded"/>): inline, unless the output is in storage.
    /// </summary>
    internal void Collect(PendingJob pending, BatchJob job)
    {
        var outcome = job.Outcome!;
        if (outcome.State != BatchJobState.Succeeded && !string.IsNullOrEmpty(outcome.LogTail))
        {
            KeepLogTail(pending, outcome);
        }
        if (outcome.Output.IsEmpty && !pending.Outcomes.IsCompleted && outcome.State != BatchJobState.Cancelled)
        {
            _ = CollectStoredAsync(pending, job, outcome);
            return;
        }
        Collect(pending, job, outcome, outcome.Output);
    }

    /// <summary>
    /// Stores the log tail of a job whose worker ended badly (died, was killed or cancelled): it could not store its
    /// calls' logs itself. Never once the folder is deleted (it would come back).
    /// </summary>
    private void KeepLogTail(PendingJob pending, BatchJobOutcome outcome)
    {
        lock (_logGate)
        {
            if (_folderDeleted)
            {
                return;
            }
            try
            {
                var text = outcome.Detail is { } detail ? $"{outcome.LogTail}\n[batchpool: {detail}]\n" : outcome.LogTail + "\n";
                _backend.Storage.WriteAsync(_layout.JobLogOf(pending.CallName), System.Text.Encoding.UTF8.GetBytes(text)).AsTask().GetAwaiter().GetResult();
            }
#pragma warning disable CA1031 // A log that cannot be stored must not change the job's outcome.
            catch (Exception e)
#pragma warning restore CA1031
            {
                System.Diagnostics.Trace.TraceWarning($"BatchPool: could not store the log of {pending.CallName}: {e.Message}");
            }
        }
    }

    /// <summary>What call <paramref name="index"/> of a job printed (see <see cref="BatchPoolFuture.Log"/>).</summary>
    internal async Task<string> ReadLogAsync(string callName, int index, CancellationToken cancellationToken)
    {
        var bytes = await _backend.Storage.ReadAsync(_layout.LogOf(callName, index), cancellationToken).ConfigureAwait(false)
            ?? await _backend.Storage.ReadAsync(_layout.JobLogOf(callName), cancellationToken).ConfigureAwait(false);
        return bytes is null ? "" : System.Text.Encoding.UTF8.GetString(bytes);
    }

    private async Task CollectStoredAsync(PendingJob pending, BatchJob job, BatchJobOutcome outcome)
    {
        byte[]? stored;
        try
        {
            stored = await _backend.Storage.ReadAsync(_layout.OutputOf(pending.CallName)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever goes wrong while collecting is the job's failure, delivered through its future.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // Storage that failed: the attempt is lost, and retried.
            Collect(pending, job, outcome, null, e);
            return;
        }
        // A missing output must stay null: a null byte[] would convert to an empty, non-null ReadOnlyMemory.
        Collect(pending, job, outcome, stored is null ? null : (ReadOnlyMemory<byte>?)stored);
    }

    private void Collect(PendingJob pending, BatchJob job, BatchJobOutcome outcome, ReadOnlyMemory<byte>? output, Exception? readError = null)
    {
        var retrying = false;
        try
        {
            if (pending.Outcomes.IsCompleted)
            {
                return;
            }
            var (check, outcomes, problem) = ReadOutput(pending, outcome, output, readError);
            var kind = JobEndClassifier.Classify(outcome, check, pending.TimedOutHere);
            if (kind == JobEndKind.Succeeded)
            {
                pending.Complete(outcomes!);
                return;
            }
            var cause = kind == JobEndKind.TimedOut && pending.TimedOutHere
                ? $"ran past its timeout of {_timeouts!.Limit} and was stopped"
                : problem;
            retrying = RetryPolicy.ShouldRetry(kind, pending.Attempt, pending.MaxAttempts) && pending.Request is not null;
            pending.RecordAttempt(job, outcome, DescribeAttempt(cause, outcome), retrying);
            if (retrying)
            {
                _ = RetryAsync(pending);
                return;
            }
            var final = kind == JobEndKind.TimedOut && pending.TimedOutHere ? outcome with { State = BatchJobState.TimedOut } : outcome;
            pending.Fail(new BatchJobFailedException(job.Id, job.Name, final, cause, pending.Attempts));
        }
#pragma warning disable CA1031 // Whatever goes wrong while collecting is the job's failure, delivered through its future.
        catch (Exception e)
#pragma warning restore CA1031
        {
            pending.Fail(e);
        }
        finally
        {
            if (!retrying)
            {
                Forget(pending);
            }
        }
    }

    /// <summary>Reads an ended attempt's output: what was found, the calls' outcomes when they are all there, and what is wrong otherwise.</summary>
    private (OutputCheck Check, CallOutcome[]? Outcomes, string Problem) ReadOutput(PendingJob pending, BatchJobOutcome outcome, ReadOnlyMemory<byte>? output, Exception? readError)
    {
        if (outcome.State == BatchJobState.Cancelled)
        {
            return (OutputCheck.NotLookedFor, null, "was cancelled outside this executor");
        }
        if (readError is not null)
        {
            return (OutputCheck.Unreadable, null, $"left an output storage could not read ({readError.GetType().Name}: {readError.Message})");
        }
        if (output is null)
        {
            return (OutputCheck.Missing, null, "did not write its output");
        }
        CallOutcome[] outcomes;
        try
        {
            // Authenticated before anything is deserialized: a truncated or altered file is refused here. Its large
            // arrays are read from storage straight into the arrays, each checked against the hash the output names.
            outcomes = ((JobOutput)_codec.Decode(output.Value, PayloadKind.JobOutput, _resultValues)).Outcomes;
        }
        catch (InvalidPayloadException e)
        {
            return (OutputCheck.Rejected, null, $"wrote an output this client refuses ({e.Message})");
        }
        if (outcomes.Length == 0 || (outcomes.Length < pending.CallCount && outcomes[^1].Error is null))
        {
            return (OutputCheck.Incomplete, null, $"returned {outcomes.Length} outcomes for {pending.CallCount} calls");
        }
        return (OutputCheck.Read, outcomes, "");
    }

    private static string DescribeAttempt(string cause, BatchJobOutcome outcome) =>
        string.IsNullOrWhiteSpace(outcome.Detail) ? cause : $"{cause} ({outcome.Detail.Trim()})";

    /// <summary>Submits a lost job again after the policy's delay, unless it was cancelled meanwhile.</summary>
    private async Task RetryAsync(PendingJob pending)
    {
        try
        {
            await Task.Delay(RetryPolicy.DelayBefore(pending.Attempt)).ConfigureAwait(false);
            if (pending.Outcomes.IsCompleted || pending.Request is not { } request)
            {
                Forget(pending);
                return;
            }
            // The lost attempt's output, if any, is not deleted: a rejected one is rejected again, and one storage failed
            // to read is the result of an attempt that completed, as good as the next one's.
            var accepted = await _session.SubmitAsync([request with { Attempt = pending.Attempt }]).ConfigureAwait(false);
            pending.Retry(accepted[0]);
            accepted[0].WhenEnded(pending);
        }
#pragma warning disable CA1031 // A retry that cannot be submitted is the job's failure, delivered through its future.
        catch (Exception e)
#pragma warning restore CA1031
        {
            pending.Fail(new BatchJobFailedException(pending.Job?.Id ?? "?", pending.Job?.Name ?? pending.CallName,
                pending.Job?.Outcome ?? new BatchJobOutcome(BatchJobState.Failed), $"could not be submitted again ({e.Message})", pending.Attempts));
            Forget(pending);
        }
    }

    /// <summary>The jobs that have not ended, as a copy.</summary>
    internal PendingJob[] OutstandingJobs()
    {
        lock (_gate)
        {
            return [.. _outstanding];
        }
    }

    private void Forget(PendingJob job)
    {
        lock (_gate)
        {
            _outstanding.Remove(job);
        }
    }

    private void ThrowIfShutDown()
    {
        if (Volatile.Read(ref _shutdown) is not null)
        {
            throw new ExecutorShutDownException(Name);
        }
    }

    /// <summary>A job ready to submit: its future's state and its encoded input.</summary>
    private sealed record PreparedJob(PendingJob Job, EncodedPayload Payload);
}
