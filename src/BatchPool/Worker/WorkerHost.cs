using System.Security.Cryptography;
using System.Text;
using BatchPool.Codec;
using Microsoft.Win32.SafeHandles;

namespace BatchPool.Worker;

/// <summary>The worker program's entry point; see <see cref="WorkerProtocol"/> for its command line.</summary>
internal static class WorkerHost
{
    public static async Task<int> RunAsync(string[] arguments)
    {
        var log = OpenLog();
        switch (arguments.FirstOrDefault())
        {
            case WorkerProtocol.RunCommand:
                var secret = Environment.GetEnvironmentVariable(WorkerProtocol.SecretVariable);
                if (string.IsNullOrEmpty(secret))
                {
                    await log.WriteLineAsync($"batchpool worker: {WorkerProtocol.SecretVariable} is not set; the job's payload cannot be authenticated.").ConfigureAwait(false);
                    return WorkerProtocol.BadArguments;
                }
                // The user's code has no business with the key.
                Environment.SetEnvironmentVariable(WorkerProtocol.SecretVariable, null);
                var runner = new JobRunner(new PayloadCodec(Convert.FromBase64String(secret)), log);
                if (TryParseRun(arguments) is { StatusPrefix: not null } packed)
                {
                    return await PackedJobs.RunAsync(runner, packed, log).ConfigureAwait(false);
                }
                return (await runner.RunAsync(arguments).ConfigureAwait(false)).ExitCode;
            case WorkerProtocol.ServeCommand:
                return Serve(arguments, log);
            default:
                await log.WriteLineAsync("usage: BatchPool.Worker run --storage LOCATOR --folder FOLDER --call CALL | serve [--spare]").ConfigureAwait(false);
                return WorkerProtocol.BadArguments;
        }
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
    /// setup (console encoding, terminal) costs a fresh worker ~8 ms of CPU; Console's output and error go to it too.
    /// </summary>
    private static TextWriter OpenLog()
    {
        var standardError = new FileStream(new SafeFileHandle(2, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        var log = TextWriter.Synchronized(new StreamWriter(standardError, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true });
        Console.SetError(log);
        return log;
    }

    /// <summary>
    /// Serves jobs on the main thread, synchronously: a fresh worker compiles no asynchronous machinery of its own before
    /// its first answer (the job of an asynchronous function still runs to completion, blocking this thread).
    /// </summary>
    private static int Serve(string[] arguments, TextWriter log)
    {
        // Standard output carries the protocol alone: what user code prints goes to the log.
        var replies = new BufferedStream(Console.OpenStandardOutput(), 1 << 16);
        Console.SetOut(log);
        var requests = new BufferedStream(Console.OpenStandardInput(), 1 << 16);
        var spare = WorkerProtocol.IsSpare(arguments);

        // Read the hello, then requests, on a thread of their own: the client may send the next job while this one runs,
        // and when it goes away (it closes our input, or dies) the worker stops at once, even in the middle of a job that
        // would run forever. A "cancel CALL" request names a job sent earlier that must not start.
        WorkerHello? hello = null;
        // Never disposed: the reader may still set it as the process ends.
        var helloRead = new ManualResetEventSlim();
        var jobs = new RequestQueue();
        // A set under a lock: a ConcurrentDictionary<string, bool>'s methods are compiled at every worker's start.
        var cancelled = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Thread(() =>
        {
            try
            {
                hello = WorkerFrames.ReadHello(requests);
                helloRead.Set();
                if (hello is null)
                {
                    // Closed before it said whom to serve (a spare nobody took): the main thread ends the process.
                    return;
                }
                var words = new RequestWords();
                while (WorkerFrames.ReadRequest(requests, words) is { } request)
                {
                    if (request.Arguments is [WorkerProtocol.CancelCommand, var call])
                    {
                        lock (cancelled)
                        {
                            cancelled.Add(call);
                        }
                    }
                    else
                    {
                        jobs.Add(request);
                    }
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or EndOfStreamException)
            {
                log.WriteLine($"batchpool worker: the client's requests broke off: {e.Message}");
            }
            finally
            {
                helloRead.Set();
            }
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
            new JobRunner(new PayloadCodec(RandomNumberGenerator.GetBytes(32)), log).WarmUp(executor: null, jobWaiting: () => helloRead.IsSet);
        }
        helloRead.Wait();
        if (hello is not { Secret.Length: > 0 } executor)
        {
            return WorkerProtocol.BadArguments;
        }
        var runner = new JobRunner(new PayloadCodec(executor.Secret), log);
        // Up: the client sends jobs only to a worker that said so, so that no job waits inside one still booting while
        // other workers could run it.
        WorkerFrames.WriteReply(replies, WorkerProtocol.Ready, default);
        replies.Flush();
        // A spare's first job is likely queued already: a warm-up in the executor's context would only hold it back.
        if (!spare)
        {
            runner.WarmUp((executor.StorageLocator, executor.Folder), jobWaiting: () => jobs.Count > 0);
        }
        while (true)
        {
            var (request, input, announceStart) = jobs.Take();
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

    private static bool WasCancelled(HashSet<string> cancelled, string call)
    {
        lock (cancelled)
        {
            return cancelled.Count > 0 && cancelled.Remove(call);
        }
    }

    /// <summary>The jobs the reader thread hands to the main one, in order.</summary>
    private sealed class RequestQueue
    {
        private readonly Queue<ServeRequest> _queue = new();

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

        public void Add(ServeRequest request)
        {
            lock (_queue)
            {
                _queue.Enqueue(request);
                Monitor.Pulse(_queue);
            }
        }

        /// <summary>The oldest request, waiting for one if need be.</summary>
        public ServeRequest Take()
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
