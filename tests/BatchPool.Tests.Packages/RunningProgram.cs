using System.Diagnostics;
using System.Text;

namespace BatchPool.Tests.Packages;

/// <summary>A program <see cref="Dotnet.Start"/> started, still running: its output (standard output, then errors) collected as it comes.</summary>
public sealed class RunningProgram : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();
    private readonly string _command;

    internal RunningProgram(Process process, string command)
    {
        Process = process;
        _command = command;
        process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_errors, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    /// <summary>What it wrote to its standard output so far.</summary>
    public string Output { get { lock (_output) { return _output.ToString(); } } }

    /// <summary>What it wrote to its standard error so far.</summary>
    public string Errors { get { lock (_errors) { return _errors.ToString(); } } }

    /// <summary>Waits at most <paramref name="limit"/> for its end; false when it still runs.</summary>
    public bool WaitForExit(TimeSpan limit)
    {
        if (!Process.WaitForExit(limit))
        {
            return false;
        }
        // The asynchronous readers have seen the end of both streams once WaitForExit returns without a timeout.
        Process.WaitForExit();
        return true;
    }

    public override string ToString() => $"`{_command}`{(Process.HasExited ? $" exited {Process.ExitCode}" : " runs")}:\n{Output}{Errors}";

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }
        Process.Dispose();
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is not null)
        {
            lock (text)
            {
                text.AppendLine(line);
            }
        }
    }
}
