using System.Diagnostics;
using System.Text;

namespace BatchPool.FateSharing;

/// <summary>
/// Jobs share their program's fate: a small shell process, started with a session, that stops the session's jobs once the
/// program is gone, by whatever means (SIGKILL included), with the engine's own tools (<c>docker rm -f</c>,
/// <c>scancel</c>). It needs no code of the program to run at its death: it waits on a pipe whose only writer is this
/// process, which the kernel closes when the process ends. A session closed normally tells it "done" first, and it exits
/// without cleaning. It ignores SIGINT, SIGTERM and SIGHUP, so that a Ctrl+C sent to the terminal's process group, or a
/// closed terminal, leaves it to clean up after the program.
/// </summary>
/// <remarks>
/// It lives on this machine: a program whose whole machine (or container, or Slurm job) is torn down takes the watcher
/// with it. The jobs then stop on their own, once the client's lease goes stale (<see cref="ClientLease"/>).
/// </remarks>
internal sealed class ProgramEndWatcher : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _pipe;
    private int _disposed;

    private ProgramEndWatcher(Process process)
    {
        _process = process;
        _pipe = process.StandardInput;
    }

    /// <summary>The watcher's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>
    /// Starts a watcher that runs <paramref name="cleanup"/> (a POSIX shell script) when this process ends without
    /// <see cref="Dispose"/>. Null on Windows, where jobs run by a backend of this library are not started.
    /// </summary>
    /// <param name="cleanup">The shell commands that stop the jobs; they must not fail when there is nothing to stop.</param>
    public static ProgramEndWatcher? Start(string cleanup)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cleanup);
        if (OperatingSystem.IsWindows())
        {
            return null;
        }
        var script = new StringBuilder()
            .Append("trap '' INT TERM HUP\n")
            // Its output would land on the program's terminal after the program is gone.
            .Append("exec 2>/dev/null\n")
            .Append("if IFS= read -r line && [ \"$line\" = done ]; then exit 0; fi\n")
            .Append("exec >/dev/null\n")
            .Append(cleanup).Append('\n')
            .ToString();
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("batchpool-program-end-watcher");
        var process = Process.Start(start) ?? throw new InvalidOperationException("/bin/sh did not start");
        return new ProgramEndWatcher(process);
    }

    /// <summary>Quotes <paramref name="text"/> as one word of a POSIX shell.</summary>
    public static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Tells the watcher that the session was closed normally: it exits without cleaning.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            _pipe.Write("done\n");
            _pipe.Flush();
            _pipe.Dispose();
            // Reaped here: an exited child left unwaited would stay a zombie as long as this process lives.
            _process.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (IOException)
        {
            // It is gone already.
        }
        _process.Dispose();
    }
}
