using System.Buffers;
using System.Diagnostics;
using System.Text;
using BatchPool.Worker;

namespace BatchPool.Backends.Local;

/// <summary>
/// A warm worker process (<c>BatchPool.Worker serve</c>) of one executor at a time. Jobs are sent ahead (the worker
/// queues them, so it never idles between jobs) and answered in order. The secret reaches it on its standard input, never
/// in its arguments or environment, when it becomes the executor's (<see cref="Connect"/>): it may have been started
/// before, or have served an executor before and been recycled (<see cref="Recycle"/>).
/// </summary>
internal sealed class LocalWorkerProcess : IDisposable
{
    private const int LogTailLines = 40;
    private const string DiagnosticPortsVariable = "DOTNET_DiagnosticPorts";
    private const string DefaultPortSuspendVariable = "DOTNET_DefaultDiagnosticPortSuspend";

    private readonly Process _process;
    private readonly Stream _requests;
    private readonly Stream _replies;
    private readonly LogTail _log = new(LogTailLines);
    private readonly SemaphoreSlim _writing = new(1, 1);
    private volatile bool _killedOnPurpose;
    private bool _logging;
    private bool _preambleRead;

    private LocalWorkerProcess(Process process, bool spare)
    {
        _process = process;
        IsSpare = spare;
        // Jobs sent ahead together leave in one write (see Send).
        _requests = new BufferedStream(process.StandardInput.BaseStream, 1 << 16);
        // Replies of jobs sent ahead arrive back to back: read them in large pieces.
        _replies = new BufferedStream(process.StandardOutput.BaseStream, 1 << 16);
    }

    /// <summary>True once <see cref="Kill"/> was called: whatever the process was running was cancelled.</summary>
    public bool KilledOnPurpose => _killedOnPurpose;

    public bool HasExited => _process.HasExited;

    /// <summary>The process's id.</summary>
    public int Id => _process.Id;

    /// <summary>Where its jobs run, for the status document: this machine and the process's id.</summary>
    public string Location => _location ??= $"{Environment.MachineName} pid {_process.Id}";

    private string? _location;

    /// <summary>
    /// Whether it was there before its executor: started as a spare (<see cref="SpareWorkers"/>), or recycled.
    /// </summary>
    public bool IsSpare { get; private set; }

    /// <summary>How it was started: its command line and environment (<see cref="StartInfo"/>).</summary>
    public ProcessStartInfo StartedWith => _process.StartInfo;

    /// <summary>Whether it said it is up (<see cref="WorkerReplyKind.Ready"/>): jobs are sent only then.</summary>
    public bool IsReady { get; private set; }

    /// <summary>
    /// Whether it was asked to forget its executor (<see cref="Recycle"/>) and has not yet said it did: should it exit
    /// first, it could not, and no job of the next executor is to blame.
    /// </summary>
    public bool IsRecycling { get; private set; }

    /// <summary>
    /// How a worker for <paramref name="options"/> is started: its command line and environment. Workers started alike are
    /// interchangeable until <see cref="Connect"/> makes one an executor's.
    /// </summary>
    public static ProcessStartInfo StartInfo(BatchSessionOptions options, bool spare)
    {
        var start = new ProcessStartInfo(WorkerDistribution.DotnetHostPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(options.Worker.EntryAssemblyPath);
        foreach (var argument in WorkerProtocol.ServeArguments(spare))
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Remove(WorkerProtocol.SecretVariable);
        // A diagnostic port inherited from a tool that launched the client (dotnet-trace, dotnet-monitor) suspends each
        // process at its start until the tool resumes it: the tool knows nothing of the workers, which would wait forever.
        if (start.Environment.TryGetValue(DiagnosticPortsVariable, out var ports) && ports is not null && SuspendsAtStart(ports))
        {
            start.Environment.Remove(DiagnosticPortsVariable);
        }
        if (start.Environment.TryGetValue(DefaultPortSuspendVariable, out var suspend) && suspend is not (null or "0"))
        {
            start.Environment.Remove(DefaultPortSuspendVariable);
        }
        foreach (var (name, value) in options.Environment)
        {
            start.Environment[name] = value;
        }
        return start;
    }

    /// <summary>
    /// Whether a <c>DOTNET_DiagnosticPorts</c> value (ports separated by <c>;</c>, each an address and options separated
    /// by <c>,</c>) makes a process wait at its start: a port suspends it unless it says <c>nosuspend</c>.
    /// </summary>
    internal static bool SuspendsAtStart(string diagnosticPorts)
    {
        foreach (var port in diagnosticPorts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!port.Split(',', StringSplitOptions.TrimEntries).Skip(1).Contains("nosuspend", StringComparer.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Starts a worker process; <see cref="Connect"/> must follow before any job is sent.</summary>
    public static LocalWorkerProcess Start(ProcessStartInfo start)
    {
        var process = new Process { StartInfo = start };
        process.Start();
        return new LocalWorkerProcess(process, WorkerProtocol.IsSpare(start.ArgumentList));
    }

    /// <summary>
    /// Makes the worker the executor's (its secret, storage and folder) and, the first time, collects its log. Once per
    /// executor, before its first job is sent: after the start, or after <see cref="Recycle"/>. Apart from
    /// <see cref="Start"/> because the first use of the pipes costs a fresh client milliseconds the process's start should
    /// not wait for, and a spare is started before its executor exists.
    /// </summary>
    /// <param name="secret">The executor's key.</param>
    /// <param name="storageLocator">The executor's storage.</param>
    /// <param name="executorFolder">The executor's folder in it.</param>
    /// <param name="recyclable">Whether the worker may serve another executor afterwards (<see cref="Recycle"/>).</param>
    public void Connect(ReadOnlyMemory<byte> secret, string storageLocator, string executorFolder, bool recyclable)
    {
        if (!_logging)
        {
            _logging = true;
            _process.ErrorDataReceived += (_, line) =>
            {
                if (line.Data is not null)
                {
                    _log.Add(line.Data);
                }
            };
            _process.BeginErrorReadLine();
        }
        try
        {
            WorkerFrames.WriteHello(_requests, secret.Span, storageLocator, executorFolder, recyclable);
        }
        catch (IOException)
        {
            // It died at once; the first job will say how.
        }
    }

    /// <summary>Sends a job; its answer comes from <see cref="Receive"/>, in the order jobs were sent.</summary>
    /// <param name="workerArguments">The job's <c>run</c> arguments.</param>
    /// <param name="input">The job's input, or empty when it is in storage.</param>
    /// <param name="announceStart">Whether the worker must say when it starts the job (it is queued behind another).</param>
    /// <param name="flush">Whether to send it now; else it leaves with the next request sent with a flush, or <see cref="Flush"/>.</param>
    /// <returns>False when the worker is gone (its next reply then says how it ended).</returns>
    public bool Send(IReadOnlyList<string> workerArguments, ReadOnlySequence<byte> input, bool announceStart, bool flush = true) =>
        Write(workerArguments, input, announceStart, flush);

    /// <summary>Sends the requests written without a flush; false when the worker is gone.</summary>
    public bool Flush() => Write(null, default, announceStart: false, flush: true);

    /// <summary>
    /// Asks the idle worker to forget its executor (its key, its shipped code) so that another executor can take it
    /// (<see cref="Connect"/>); it says <see cref="WorkerReplyKind.Recycled"/>, or exits if it cannot. False when it is gone.
    /// </summary>
    public bool Recycle()
    {
        IsReady = false;
        IsRecycling = true;
        IsSpare = true;
        return Write([WorkerProtocol.RecycleCommand], default, announceStart: false, flush: true);
    }

    /// <summary>Asks the worker not to start a job it was sent; a job already running is not stopped by this.</summary>
    public void Skip(string callName) => Write([WorkerProtocol.CancelCommand, callName], default, announceStart: false, flush: true);

    /// <summary>
    /// The next word from the worker: that it forgot its last executor (after <see cref="Recycle"/>), that it is up (after
    /// each hello), or about the oldest job sent and not yet answered: that it starts, or how it ended; or that the worker
    /// died (the outcome then says how). Never throws.
    /// </summary>
    /// <remarks>
    /// Blocking, on its slot's own thread: an answer then wakes the thread that waits for it, where an asynchronous read
    /// went through the pipes' event loop and a thread-pool hand-off per answer (W1, 10,000 one-call jobs: ~15 % faster).
    /// </remarks>
    public WorkerReply Receive()
    {
        ReplyFrame? reply;
        try
        {
            reply = _preambleRead || ReadPreamble() ? WorkerFrames.ReadReply(_replies) : null;
        }
        catch (InvalidDataException e)
        {
            // Waiting for it to exit would wait for ever: it may be alive, waiting for a request.
            Kill();
            return new WorkerReply(WorkerReplyKind.Died, new BatchJobOutcome(BatchJobState.Lost, LogTail: _log.ToString(),
                Detail: $"the worker process {_process.Id} wrote to the protocol's stream what is not a reply ({e.Message}) and was stopped"));
        }
        catch (IOException)
        {
            reply = null;
        }
        if (reply is not { } answer)
        {
            // Rare, and on the slot's own thread: wait for the exit and the rest of its log as before.
            return new WorkerReply(WorkerReplyKind.Died, DiedAsync().GetAwaiter().GetResult());
        }
        if (answer.ExitCode == WorkerProtocol.JobStarted)
        {
            return new WorkerReply(WorkerReplyKind.Started, null);
        }
        if (answer.ExitCode == WorkerProtocol.Ready)
        {
            IsReady = true;
            return new WorkerReply(WorkerReplyKind.Ready, null);
        }
        if (answer.ExitCode == WorkerProtocol.Recycled)
        {
            IsRecycling = false;
            // What it logged serving its last executor is not the next one's.
            _log.Clear();
            return new WorkerReply(WorkerReplyKind.Recycled, null);
        }
        var outcome = LocalWorkerEnd.OfAnswer(answer.ExitCode, answer.Output, _log);
        // What the worker logs from here on belongs to its next job.
        _log.Clear();
        return new WorkerReply(WorkerReplyKind.Ended, outcome);
    }

    /// <summary>
    /// Reads the worker's preamble, once: what the process printed before it (a startup hook, say) goes to its log. False
    /// when the worker died first.
    /// </summary>
    private bool ReadPreamble()
    {
        if (WorkerFrames.ReadPreamble(_replies) is not { } before)
        {
            return false;
        }
        foreach (var line in Encoding.UTF8.GetString(before).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            _log.Add(line);
        }
        _preambleRead = true;
        return true;
    }

    /// <summary>Writes one request; false when the worker is gone (its next reply then says how it ended).</summary>
    private bool Write(IReadOnlyList<string>? arguments, ReadOnlySequence<byte> input, bool announceStart, bool flush)
    {
        // Jobs and skips come from different threads; frames must not interleave.
        _writing.Wait();
        try
        {
            if (arguments is not null)
            {
                WorkerFrames.WriteRequest(_requests, arguments, input, announceStart);
            }
            if (flush)
            {
                _requests.Flush();
            }
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Stops the process and whatever job it runs.</summary>
    public void Kill()
    {
        _killedOnPurpose = true;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // It had already exited (or its slot disposed of it meanwhile).
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                // Closing its input makes a worker exit by itself; kill it if it lingers.
                _requests.Close();
                if (!_process.WaitForExit(2000))
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
        }
        _process.Dispose();
        _writing.Dispose();
    }

    private async Task<BatchJobOutcome> DiedAsync()
    {
        using (var waited = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await _process.WaitForExitAsync(waited.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill();
                return new BatchJobOutcome(BatchJobState.Lost, LogTail: _log.ToString(),
                    Detail: $"the worker process {_process.Id} stopped answering and was stopped");
            }
        }
        // On Unix, .NET reports a process killed by signal N as exit code 128 + N.
        return LocalWorkerEnd.OfExit(_process.Id, _process.ExitCode, _killedOnPurpose, _log.ToString(), signalsAsExitCodes: !OperatingSystem.IsWindows());
    }
}

/// <summary>What a worker said: that it is up, or about the oldest job it was sent.</summary>
internal enum WorkerReplyKind
{
    /// <summary>It is up, after its hello, and takes jobs.</summary>
    Ready,

    /// <summary>It forgot its last executor, and waits for the next one's hello.</summary>
    Recycled,

    /// <summary>It starts running the job.</summary>
    Started,

    /// <summary>The job ended; the outcome says how.</summary>
    Ended,

    /// <summary>The worker died; the outcome says how.</summary>
    Died,
}

/// <summary>A word from a worker: its kind, and the job's outcome when it ended or the worker died.</summary>
internal sealed record WorkerReply(WorkerReplyKind Kind, BatchJobOutcome? Outcome);
