using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using BatchPool.Codec;
using BatchPool.Logs;
using Microsoft.Win32.SafeHandles;

namespace BatchPool.Worker;

/// <summary>The worker program's entry point; see <see cref="WorkerProtocol"/> for its command line.</summary>
internal static class WorkerHost
{
    public static async Task<int> RunAsync(string[] arguments)
    {
        var command = arguments.FirstOrDefault();
        // The protocol's replies move aside first (ProtocolStreams); then descriptors 1 and 2 lead into the calls' logs
        // (JobConsole), before any writer of the log is opened.
        Stream? replies = null;
        var outputFree = true;
        if (command == WorkerProtocol.ServeCommand)
        {
            replies = ProtocolStreams.OpenReplies(out outputFree);
        }
        if (command is WorkerProtocol.ServeCommand or WorkerProtocol.RunCommand)
        {
            JobConsole.CaptureNativeOutput(output: outputFree);
        }
        var log = OpenLog();
        switch (command)
        {
            case WorkerProtocol.RunCommand:
                return await RunJobAsync(arguments, log).ConfigureAwait(false);
            case WorkerProtocol.ServeCommand:
                return Serve(arguments, replies!, log);
            default:
                await log.WriteLineAsync("usage: BatchPool.Worker run --storage LOCATOR --folder FOLDER --call CALL | serve [--spare] [--lease LOCATOR FOLDER]").ConfigureAwait(false);
                return WorkerProtocol.BadArguments;
        }
    }

    /// <summary>Runs the job (or packed task) a <c>run</c> command names, and returns its exit code.</summary>
    private static async Task<int> RunJobAsync(string[] arguments, TextWriter log)
    {
        var secret = Environment.GetEnvironmentVariable(WorkerProtocol.SecretVariable);
        if (string.IsNullOrEmpty(secret))
        {
            await log.WriteLineAsync($"batchpool worker: {WorkerProtocol.SecretVariable} is not set; the job's payload cannot be authenticated.").ConfigureAwait(false);
            return WorkerProtocol.BadArguments;
        }
        // The user's code has no business with the key.
        Environment.SetEnvironmentVariable(WorkerProtocol.SecretVariable, null);
        // Its output is standard output: the job's log on a remote backend.
        GiveCodeTheLog(output: false);
        var runner = new JobRunner(new PayloadCodec(Convert.FromBase64String(secret)), log, collectibleCode: false);
        var run = TryParseRun(arguments);
        // Gives up should the client's lease go stale (its machine gone): the job's result would have no taker.
        using var lease = run is null ? null : LeaseWatch.Start(run.StorageLocator, run.Folder, log);
        if (run is { StatusPrefix: not null } packed)
        {
            return await PackedJobs.RunAsync(runner, packed, log).ConfigureAwait(false);
        }
        return (await runner.RunAsync(arguments).ConfigureAwait(false)).ExitCode;
    }

    private static RunRequest? TryParseRun(string[] arguments)
    {
        try
        {
            return WorkerProtocol.ParseRun(arguments);
        }
        catch (ArgumentException)
        {
            // The runner says what is wrong with them, as for every job.
            return null;
        }
    }

    /// <summary>
    /// The worker's log: its standard error, which the client keeps the tail of. Opened without Console's own writer, whose
    /// setup (console encoding, terminal) costs a fresh worker ~8 ms of CPU.
    /// </summary>
    private static TextWriter OpenLog() => JobConsole.Wrap(WriterOnStandardError());

    /// <summary>
    /// Points Console's error (and, with <paramref name="output"/>, its output) at the log through a writer of the user
    /// code's own: code that closes it (a <c>using</c> around <c>Console.Out</c>) closes that writer, as it would in any
    /// process, not the log the worker needs to report how its jobs end.
    /// </summary>
    private static void GiveCodeTheLog(bool output)
    {
        // Both kept per call too (JobConsole): each call's log is stored beside its output.
        var console = JobConsole.Wrap(WriterOnStandardError());
        // With descriptor 1 captured, Console's output goes to the log directly (as descriptor 1's text would, a moment later).
        Console.SetOut(output || JobConsole.CapturesNativeOutput ? console : JobConsole.Wrap(WriterOn(1)));
        Console.SetError(console);
    }

    private static TextWriter WriterOnStandardError() => TextWriter.Synchronized(WriterOn(JobConsole.LogDescriptor));

    private static StreamWriter WriterOn(int descriptor) =>
        new(new FileStream(new SafeFileHandle(descriptor, ownsHandle: false), FileAccess.Write, bufferSize: 0), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };

    /// <summary>How long a recycled worker waits at most for its last executor's code to unload.</summary>
    private const int UnloadPatienceMs = 250;

    /// <summary>
    /// Serves jobs on the main thread, synchronously: a fresh worker compiles no asynchronous machinery of its own before
    /// its first answer (the job of an asynchronous function still runs to completion, blocking this thread). Serves one
    /// executor after another when recycled (see <see cref="WorkerProtocol"/>).
    /// </summary>
    private static int Serve(string[] arguments, Stream replyStream, TextWriter log)
    {
        // The protocol has streams of its own (ProtocolStreams): what user code prints goes to the log.
        var replies = new BufferedStream(replyStream, 1 << 16);
        GiveCodeTheLog(output: true);
        // Leaves with the first reply.
        WorkerFrames.WritePreamble(replies);
        var requests = new BufferedStream(ProtocolStreams.OpenRequests(), 1 << 16);
        var spare = WorkerProtocol.IsSpare(arguments);
        // A worker that idles for one executor without a hello (a Docker slot) watches its lease for its whole life.
        using var lease = WorkerProtocol.LeaseOf(arguments) is { } named ? LeaseWatch.Start(named.StorageLocator, named.Folder, log) : null;

        // Read hellos and requests on a thread of their own: the client may send the next job while this one runs, and
        // when it goes away (it closes our input, or dies) the worker stops at once, even in the middle of a job that
        // would run forever. A "cancel CALL" request names a job sent earlier that must not start; a "recycle" request
        // ends an executor's jobs, and a hello follows it once the client has a new executor for this worker.
        var hellos = new HandOff<WorkerHello>();
        var jobs = new HandOff<ServeRequest>();
        // A set under a lock: a ConcurrentDictionary<string, bool>'s methods are compiled at every worker's start.
        var cancelled = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Thread(() =>
        {
            try
            {
                var words = new RequestWords();
                while (WorkerFrames.ReadHello(requests) is { } hello)
                {
                    hellos.Add(hello);
                    while (WorkerFrames.ReadRequest(requests, words) is { } request)
                    {
                        if (request.Arguments is [WorkerProtocol.CancelCommand, var call])
                        {
                            lock (cancelled)
                            {
                                cancelled.Add(call);
                            }
                            continue;
                        }
                        jobs.Add(request);
                        if (request.Arguments is [WorkerProtocol.RecycleCommand])
                        {
                            break;
                        }
                    }
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or EndOfStreamException)
            {
                log.WriteLine($"batchpool worker: the client's requests broke off: {e.Message}");
            }
            // Closed (a spare nobody took, or a worker done with): the process ends, whatever it runs.
            log.Flush();
            Environment.Exit(0);
        })
        { IsBackground = true, Name = "batchpool-requests" };
        reader.Start();

        if (spare)
        {
            // Started before its executor: the time until it is taken is free, and the codec's paths compiled now are
            // compiled for every executor (under a throwaway key: the codec's code does not depend on the key). Taken
            // meanwhile, it stops: its first job is on its way.
            new JobRunner(new PayloadCodec(RandomNumberGenerator.GetBytes(32)), log, collectibleCode: false)
                .WarmUp(executor: null, jobWaiting: () => hellos.Count > 0);
        }
        // What the next executor must find as the first found it; captured only for a worker that may serve another.
        ProcessState? atStart = null;
        // A spare's first job is likely queued already: a warm-up in the executor's context would only hold it back; a
        // recycled worker is warm.
        var warmUp = !spare;
        while (true)
        {
            if (hellos.Take() is not { Secret.Length: > 0 } executor)
            {
                return WorkerProtocol.BadArguments;
            }
            // Before the first executor's code runs (a worker whose first executor was not recyclable serves no other).
            atStart ??= executor.Recyclable ? ProcessState.Capture() : null;
            var unloading = ServeExecutor(executor, replies, jobs, cancelled, log, warmUp);
            warmUp = false;
            lock (cancelled)
            {
                cancelled.Clear();
            }
            if (Forget(unloading, atStart, log) is { } reason)
            {
                // Its next executor would meet this one's code or changes: it ends instead (the client sees it exit).
                log.WriteLine($"batchpool worker: not serving another executor: {reason}");
                log.Flush();
                return 0;
            }
            WorkerFrames.WriteReply(replies, WorkerProtocol.Recycled, default);
            replies.Flush();
        }
    }

    /// <summary>
    /// Serves one executor's jobs until its <c>recycle</c> request; returns its shipped code's contexts, unloading (null
    /// when its hello said its code is there for good). Not inlined: nothing of the executor may stay referenced from the
    /// caller's frame while its code unloads.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[]? ServeExecutor(WorkerHello executor, Stream replies, HandOff<ServeRequest> jobs, HashSet<string> cancelled, TextWriter log, bool warmUp)
    {
        // Loaded to be unloaded only when the worker may serve another executor: with recycling off, an executor's code
        // loads as it always did, clear of the runtime's rules for collectible code.
        var runner = new JobRunner(new PayloadCodec(executor.Secret), log, collectibleCode: executor.Recyclable);
        // Until this executor's recycle: a client whose lease goes stale is gone (the pipe that ends a local worker with its
        // client covers its death on this machine; the lease, a machine of its own).
        using var lease = LeaseWatch.Start(executor.StorageLocator, executor.Folder, log);
        // Up: the client sends jobs only to a worker that said so, so that no job waits inside one still booting while
        // other workers could run it.
        WorkerFrames.WriteReply(replies, WorkerProtocol.Ready, default);
        replies.Flush();
        if (warmUp)
        {
            runner.WarmUp((executor.StorageLocator, executor.Folder), jobWaiting: () => jobs.Count > 0);
        }
        while (true)
        {
            var (request, input, announceStart) = jobs.Take();
            if (request is [WorkerProtocol.RecycleCommand])
            {
                replies.Flush();
                return executor.Recyclable ? runner.Unload() : null;
            }
            JobRunner.JobResult result;
            if (WorkerProtocol.CallNameOf(request) is { } call && WasCancelled(cancelled, call))
            {
                result = new JobRunner.JobResult(WorkerProtocol.CancelledBeforeStart);
            }
            else
            {
                if (announceStart)
                {
                    // Say so before starting: a client that cancelled the job meanwhile then knows to stop this process.
                    WorkerFrames.WriteReply(replies, WorkerProtocol.JobStarted, default);
                }
                // The previous job's reply and this start notice leave in one write, before the job runs: held any
                // longer, the reply would die with this process should this job kill it (the client would then blame the
                // job it did not hear about, and run again the ones sent behind it).
                replies.Flush();
                var running = runner.RunAsync(request, input);
                result = running.IsCompletedSuccessfully ? running.Result : running.AsTask().GetAwaiter().GetResult();
            }
            log.Flush();
            WorkerFrames.WriteReply(replies, result.ExitCode, result.Output);
            if (jobs.Count == 0)
            {
                // Nothing is queued behind it: the client hears now (else it hears with the next job's start).
                replies.Flush();
            }
        }
    }

    /// <summary>
    /// Forgets a served executor: its code unloaded, the process as it was before it. Null when done; else why the
    /// worker cannot serve another executor (a thread, timer or static event handler of its code still lives, or it
    /// changed the process's environment or working directory).
    /// </summary>
    private static string? Forget(WeakReference[]? unloading, ProcessState? before, TextWriter log)
    {
        if (unloading is null || before is null)
        {
            return "its executor's code was loaded for good (its hello did not ask for a worker to recycle)";
        }
        // What the executor's code may have redirected to writers of its own, or closed.
        GiveCodeTheLog(output: true);
        MetadataCaches.ForgetCollectible();
        // Unloading completes in the collections after the last reference goes (its finalizers run in between); what the
        // code left to finish by itself (a timer's last callback, a task's continuation) gets a moment.
        var patience = Stopwatch.StartNew();
        for (var attempt = 0; unloading.Any(context => context.IsAlive) && (attempt < 4 || patience.ElapsedMilliseconds < UnloadPatienceMs); attempt++)
        {
            if (attempt >= 4)
            {
                Thread.Sleep(10);
            }
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        if (unloading.Any(context => context.IsAlive))
        {
            return "its shipped code could not be unloaded: something of it still runs or is referenced (a thread, a timer, a static event handler)";
        }
        return before.ChangesSince();
    }

    private static bool WasCancelled(HashSet<string> cancelled, string call)
    {
        lock (cancelled)
        {
            return cancelled.Count > 0 && cancelled.Remove(call);
        }
    }

    /// <summary>What the reader thread hands to the main one (hellos, jobs), in order.</summary>
    private sealed class HandOff<T>
        where T : class
    {
        private readonly Queue<T> _queue = new();

        public int Count
        {
            get
            {
                lock (_queue)
                {
                    return _queue.Count;
                }
            }
        }

        public void Add(T item)
        {
            lock (_queue)
            {
                _queue.Enqueue(item);
                Monitor.Pulse(_queue);
            }
        }

        /// <summary>The oldest item, waiting for one if need be.</summary>
        public T Take()
        {
            lock (_queue)
            {
                while (_queue.Count == 0)
                {
                    Monitor.Wait(_queue);
                }
                return _queue.Dequeue();
            }
        }
    }
}
