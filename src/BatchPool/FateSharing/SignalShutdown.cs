using System.Runtime.InteropServices;

namespace BatchPool.FateSharing;

/// <summary>
/// SIGINT and SIGTERM (Ctrl+C, <c>kill</c>, <c>docker stop</c>, Slurm cancelling the program's own job) stop a program
/// that has executors the executors' way (see <see cref="BatchPoolExecutorOptions.HandleSignals"/>): every such executor's
/// jobs are cancelled and its folder cleaned as it was told, then the process exits with 128 + the signal's number
/// (130, 143), as a shell reports a program killed by it. A second signal while that runs exits at once.
/// </summary>
internal static class SignalShutdown
{
    /// <summary>How long the executors may take to stop their jobs and clean up before the process exits anyway.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static readonly Lock Gate = new();
    private static readonly HashSet<BatchPoolExecutor> Executors = [];
    private static List<PosixSignalRegistration>? _registrations;
    private static int _stopping;

    /// <summary>Puts <paramref name="executor"/> under the handler; registers the handler with the first executor.</summary>
    public static void Watch(BatchPoolExecutor executor)
    {
        lock (Gate)
        {
            Executors.Add(executor);
            _registrations ??=
            [
                PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
                PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            ];
        }
    }

    /// <summary>Takes an executor that has shut down off the handler.</summary>
    public static void Forget(BatchPoolExecutor executor)
    {
        lock (Gate)
        {
            Executors.Remove(executor);
        }
    }

    /// <summary>The exit code for a program ended by <paramref name="signal"/>: 128 + its number.</summary>
    public static int ExitCodeFor(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGINT => 130,
        PosixSignal.SIGTERM => 143,
        _ => 1,
    };

    private static void Handle(PosixSignalContext context)
    {
        BatchPoolExecutor[] executors;
        lock (Gate)
        {
            executors = [.. Executors];
        }
        if (executors.Length == 0)
        {
            // Every executor has shut down: the runtime's own handling (the program ends) is kept.
            return;
        }
        context.Cancel = true;
        var code = ExitCodeFor(context.Signal);
        if (Interlocked.Exchange(ref _stopping, 1) != 0)
        {
            Environment.Exit(code);
        }
        _ = Task.Run(async () =>
        {
            var stopped = Task.WhenAll(executors.Select(e => e.ShutdownAsync(wait: true, cancelFutures: true)));
            await Task.WhenAny(stopped, Task.Delay(Patience)).ConfigureAwait(false);
            Environment.Exit(code);
        });
    }
}
