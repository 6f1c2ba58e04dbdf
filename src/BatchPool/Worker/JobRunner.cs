using BatchPool.Codec;
using BatchPool.Logs;
using BatchPool.Shipping;
using BatchPool.Storage;

namespace BatchPool.Worker;

/// <summary>
/// Runs jobs in a worker: reads a job's input from storage, loads the shipped code it names, calls the function for each
/// argument list (stopping at the first call that throws, whose exception becomes that call's outcome), and writes the
/// outcomes back. One runner serves every job of an executor in a worker process, keeping its loaded code between jobs.
/// </summary>
/// <param name="codec">The codec under the executor's key.</param>
/// <param name="log">The worker's log.</param>
/// <param name="collectibleCode">Whether shipped code is loaded so that <see cref="Unload"/> can unload it.</param>
internal sealed class JobRunner(PayloadCodec codec, TextWriter log, bool collectibleCode)
{
    private readonly Dictionary<(string Storage, string Folder), ExecutorContext> _executors = [];
    private string? _lastLocator;
    private string? _lastFolder;
    private ExecutorContext? _lastContext;

    /// <summary>
    /// Runs the job that <paramref name="arguments"/> (a <c>run</c> command) names. Its input is
    /// <paramref name="inlineInput"/> when given, and its output is then returned rather than stored; otherwise both go
    /// through storage.
    /// </summary>
    public async ValueTask<JobResult> RunAsync(IReadOnlyList<string> arguments, ReadOnlyMemory<byte> inlineInput = default)
    {
        string locator, folder, callName;
        try
        {
            var run = WorkerProtocol.ParseRun(arguments);
            if (run.Calls.Count != 1 || run.StatusPrefix is not null)
            {
                throw new ArgumentException("expected one call without --status");
            }
            (locator, folder, callName) = (run.StorageLocator, run.Folder, run.Calls[0]);
        }
        catch (ArgumentException e)
        {
            await log.WriteLineAsync($"batchpool worker: bad arguments: {e.Message}").ConfigureAwait(false);
            return new JobResult(WorkerProtocol.BadArguments);
        }

        ExecutorContext context;
        try
        {
            context = ContextOf(locator, folder);
        }
        catch (ArgumentException e)
        {
            // A store this worker cannot open (its package missing beside the worker, say): the message says which.
            await log.WriteLineAsync($"batchpool worker: cannot open the job's storage: {e.Message}").ConfigureAwait(false);
            return new JobResult(WorkerProtocol.InputRefused);
        }
        // The whole job, from decoding its input to encoding its outcomes, resolves types in its executor's context.
        using var scope = context.Code.EnterContextualReflection();
        var inline = !inlineInput.IsEmpty;
        ReadOnlyMemory<byte>? input;
        try
        {
            input = inline ? inlineInput : await context.Storage.ReadAsync(context.Layout.InputOf(callName)).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // A bucket's error names the bucket, the key and what to set (a credential the worker's environment lacks).
            await log.WriteLineAsync($"batchpool worker: could not read the input of {callName}: {e.Message}").ConfigureAwait(false);
            return new JobResult(WorkerProtocol.InputRefused);
        }
        if (input is not { } jobFile)
        {
            await log.WriteLineAsync($"batchpool worker: the input of {callName} is not in {locator}{context.Layout.InputOf(callName)}").ConfigureAwait(false);
            return new JobResult(WorkerProtocol.InputRefused);
        }

        JobInput job;
        try
        {
            job = Read(context, jobFile);
        }
#pragma warning disable CA1031 // Whatever stops the input from being read is the job's outcome, reported to the client.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await log.WriteLineAsync($"batchpool worker: refused the input of {callName}: {e}").ConfigureAwait(false);
            return await FinishAsync(context, callName, [new CallOutcome(null, e)], inline, WorkerProtocol.InputRefused).ConfigureAwait(false);
        }

        var outcomes = new CallOutcome[job.Calls.Length];
        for (var i = 0; i < job.Calls.Length; i++)
        {
            JobConsole.Begin();
            var threw = false;
            try
            {
                outcomes[i] = new CallOutcome(await CallInvoker.InvokeAsync(job.Function, job.Calls[i]).ConfigureAwait(false), null);
            }
#pragma warning disable CA1031 // The user's exception is the call's outcome.
            catch (Exception e)
#pragma warning restore CA1031
            {
                await log.WriteLineAsync($"batchpool worker: {callName}: call {i + 1} of {job.Calls.Length} threw {e}").ConfigureAwait(false);
                outcomes[i] = new CallOutcome(null, e);
                threw = true;
            }
            await KeepLogAsync(context, callName, i, JobConsole.End()).ConfigureAwait(false);
            if (threw)
            {
                // The calls after the one that threw do not run, as in the original: the job's outcomes end here.
                Array.Resize(ref outcomes, i + 1);
                break;
            }
        }
        return await FinishAsync(context, callName, outcomes, inline, WorkerProtocol.Succeeded).ConfigureAwait(false);
    }

    /// <summary>
    /// Compiles the codec's paths, in the load context the executor's jobs will use, while the worker waits for its first
    /// job, which then runs warm. On the caller's thread, in steps: each is skipped once a job waits (a job that arrives
    /// first would only share the cores, and the runtime's type loading locks, with a warm-up in the background).
    /// </summary>
    /// <param name="executor">The executor's storage and folder; null for a spare worker's warm-up, before it has one.</param>
    /// <param name="jobWaiting">Whether a job waits: the warm-up then stops.</param>
    public void WarmUp((string Locator, string Folder)? executor, Func<bool> jobWaiting)
    {
        // A default scope changes nothing: a spare's warm-up runs in the default context.
        using var scope = executor is { } named ? ContextOf(named.Locator, named.Folder).Code.EnterContextualReflection() : default;
        // Most useful first: every job ends with its output's encoding, and decoding that output runs most of what
        // decoding a job's input does; encoding an input here serves only to decode it (its delegate) next.
        if (jobWaiting())
        {
            return;
        }
        var output = codec.Encode(new JobOutput([new CallOutcome(-1, null)]), PayloadKind.JobOutput);
        if (jobWaiting())
        {
            return;
        }
        codec.Decode(output.Bytes, PayloadKind.JobOutput);
        if (jobWaiting())
        {
            return;
        }
        // A captured local, as most jobs' closures have.
        var offset = Environment.ProcessId;
        var input = codec.Encode(new JobInput(new Func<int, int>(x => x + offset), [[-1]]), PayloadKind.JobInput);
        if (jobWaiting())
        {
            return;
        }
        var job = (JobInput)codec.Decode(input.Bytes, PayloadKind.JobInput);
        if (jobWaiting())
        {
            return;
        }
        job.Function.DynamicInvoke(job.Calls[0]);
    }

    /// <summary>
    /// Starts unloading the shipped code of every executor this runner served (loaded collectible), and forgets it; the
    /// runner serves no job after this. Unloaded for good once nothing refers to that code any more: the returned
    /// references then no longer hold their contexts.
    /// </summary>
    public WeakReference[] Unload()
    {
        var unloading = _executors.Values.Select(context => new WeakReference(context.Code, trackResurrection: true)).ToArray();
        foreach (var context in _executors.Values)
        {
            context.Code.UnloadWhenUnused();
        }
        _executors.Clear();
        LargeValueCache.Shared.Clear();
        (_lastLocator, _lastFolder, _lastContext) = (null, null, null);
        return unloading;
    }

    private JobInput Read(ExecutorContext context, ReadOnlyMemory<byte> input)
    {
        var (manifest, payload) = JobFile.Split(input);
        // An executor's jobs mostly repeat one manifest: bytes identical to the last ones read were authenticated then.
        if (!manifest.Span.SequenceEqual(context.LastManifest))
        {
            var entries = (string[])codec.Decode(manifest, PayloadKind.CodeManifest);
            context.Code.Add(entries.Select(ShippedAssembly.FromManifestLine));
            context.LastManifest = manifest.ToArray();
        }
        return (JobInput)codec.Decode(payload, PayloadKind.JobInput, context.LargeValues);
    }

    /// <summary>
    /// Stores what a call printed beside its output (nothing when it printed nothing: a call that prints costs a file, one
    /// that does not costs nothing). A log that cannot be stored is noted in the worker's log; the call's outcome stands.
    /// </summary>
    private async ValueTask KeepLogAsync(ExecutorContext context, string callName, int index, string text)
    {
        if (text.Length == 0)
        {
            return;
        }
        try
        {
            await context.Storage.WriteAsync(context.Layout.LogOf(callName, index), System.Text.Encoding.UTF8.GetBytes(text)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A lost log must not fail the call.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await log.WriteLineAsync($"batchpool worker: could not store the log of {callName}: {e.Message}").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Encodes the outcomes and returns them (inline) or stores them, the large values they name stored first (a client
    /// never reads an output whose values are not there yet); a job whose output is lost fails.
    /// </summary>
    private async ValueTask<JobResult> FinishAsync(ExecutorContext context, string callName, CallOutcome[] outcomes, bool inline, int exitCode)
    {
        var output = EncodeOutput(outcomes);
        try
        {
            if (output.LargeValues.Count > 0)
            {
                await context.Values.ShipAsync(output.LargeValues, CancellationToken.None).ConfigureAwait(false);
            }
            if (inline)
            {
                return new JobResult(exitCode, output.Bytes);
            }
            await context.Storage.WriteAsync(context.Layout.OutputOf(callName), output.Bytes).ConfigureAwait(false);
            return new JobResult(exitCode);
        }
#pragma warning disable CA1031 // A job that cannot write its output fails with its log, which this line ends.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await log.WriteLineAsync($"batchpool worker: could not write the output of {callName}: {(e is BatchStorageException ? e.Message : e.ToString())}").ConfigureAwait(false);
            return new JobResult(WorkerProtocol.OutputNotWritten);
        }
    }

    /// <summary>
    /// Encodes the outcomes, large arrays named by their hash (stored apart, as a job's input's are: the client reads each
    /// straight into its array); a value or exception that cannot be shipped back becomes that call's error.
    /// </summary>
    private EncodedPayload EncodeOutput(CallOutcome[] outcomes)
    {
        try
        {
            return codec.Encode(new JobOutput(outcomes), PayloadKind.JobOutput, new LargeValueHashes());
        }
        catch (UnserializableValueException)
        {
            var shippable = outcomes.Select(outcome =>
            {
                try
                {
                    codec.Encode(new JobOutput([outcome]), PayloadKind.JobOutput);
                    return outcome;
                }
                catch (UnserializableValueException e)
                {
                    return new CallOutcome(null, e);
                }
            });
            return codec.Encode(new JobOutput([.. shippable]), PayloadKind.JobOutput, new LargeValueHashes());
        }
    }

    private ExecutorContext ContextOf(string locator, string folder)
    {
        // A worker's jobs come from one executor, their words read into the same strings (RequestWords): no hashing then.
        if (_lastContext is not null && ReferenceEquals(locator, _lastLocator) && ReferenceEquals(folder, _lastFolder))
        {
            return _lastContext;
        }
        if (!_executors.TryGetValue((locator, folder), out var context))
        {
            var storage = StorageLocator.Open(locator);
            var layout = new ExecutorLayout(folder);
            context = new ExecutorContext(storage, layout, new ShippedCodeLoadContext(storage, layout, collectibleCode),
                new StoredLargeValues(storage, layout, LargeValueCache.Shared), new LargeValueShipper(storage, layout, lookFirst: true));
            _executors[(locator, folder)] = context;
        }
        (_lastLocator, _lastFolder, _lastContext) = (locator, folder, context);
        return context;
    }

    /// <summary>A job's exit code, and its output when the job's input came inline.</summary>
    internal sealed record JobResult(int ExitCode, byte[]? Output = null);

    private sealed record ExecutorContext(IBatchStorage Storage, ExecutorLayout Layout, ShippedCodeLoadContext Code, StoredLargeValues LargeValues, LargeValueShipper Values)
    {
        public byte[] LastManifest { get; set; } = [];
    }
}
