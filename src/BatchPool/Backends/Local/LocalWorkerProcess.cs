using System.Diagnostics;
using System.Globalization;
using System.Text;
using BatchPool.Worker;

namespace BatchPool.Backends.Local;

/// <summary>
/// A warm worker process (<c>BatchPool.Worker serve</c>) that runs one job at a time for one executor. The secret reaches
/// it on its standard input, never in its arguments or environment.
/// </summary>
internal sealed class LocalWorkerProcess : IDisposable
{
    private const int LogTailLines = 40;

    private readonly Process _process;
    private readonly LogTail _log = new(LogTailLines);
    private volatile bool _killedOnPurpose;

    private LocalWorkerProcess(Process process) => _process = process;

    /// <summary>True once <see cref="Kill"/> was called: whatever the process was running was cancelled.</summary>
    public bool KilledOnPurpose => _killedOnPurpose;

    public bool HasExited => _process.HasExited;

    public static LocalWorkerProcess Start(BatchSessionOptions options)
    {
        var start = new ProcessStartInfo(WorkerDistribution.DotnetHostPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(options.Worker.EntryAssemblyPath);
        start.ArgumentList.Add(WorkerProtocol.ServeCommand);
        start.Environment.Remove(WorkerProtocol.SecretVariable);
        foreach (var (name, value) in options.Environment)
        {
            start.Environment[name] = value;
        }

        var worker = new LocalWorkerProcess(new Process { StartInfo = start });
        worker._process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                worker._log.Add(line.Data);
            }
        };
        worker._process.Start();
        worker._process.BeginErrorReadLine();
        worker._process.StandardInput.WriteLine(Convert.ToBase64String(options.Secret.Span));
        worker._process.StandardInput.Flush();
        return worker;
    }

    /// <summary>Runs one job; returns how it ended, never throws for a worker that died.</summary>
    public async Task<BatchJobOutcome> RunAsync(IReadOnlyList<string> workerArguments)
    {
        _log.Clear();
        string? reply;
        try
        {
            await _process.StandardInput.WriteLineAsync(string.Join('\t', workerArguments)).ConfigureAwait(false);
            await _process.StandardInput.FlushAsync().ConfigureAwait(false);
            reply = await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            reply = null;
        }

        if (reply is not null && reply.StartsWith(WorkerProtocol.DoneReply + "\t", StringComparison.Ordinal)
            && int.TryParse(reply.AsSpan(WorkerProtocol.DoneReply.Length + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
        {
            return code == WorkerProtocol.Succeeded
                ? new BatchJobOutcome(BatchJobState.Succeeded, code)
                : new BatchJobOutcome(BatchJobState.Failed, code, LogTail: _log.ToString());
        }
        return await DiedAsync(reply).ConfigureAwait(false);
    }

    /// <summary>Stops the process and whatever job it runs.</summary>
    public void Kill()
    {
        _killedOnPurpose = true;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                // Closing its input makes a worker exit by itself; kill it if it lingers.
                _process.StandardInput.Close();
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
    }

    private async Task<BatchJobOutcome> DiedAsync(string? unexpectedReply)
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
                    Detail: $"the worker process {_process.Id} answered '{unexpectedReply}' and was stopped");
            }
        }
        var exitCode = _process.ExitCode;
        // On Unix, .NET reports a process killed by signal N as exit code 128 + N.
        int? signal = !OperatingSystem.IsWindows() && exitCode > 128 ? exitCode - 128 : null;
        var detail = signal switch
        {
            9 when !_killedOnPurpose => $"the worker process {_process.Id} was killed by SIGKILL (the kernel's out-of-memory killer sends it)",
            { } s => $"the worker process {_process.Id} was killed by signal {s}",
            null => $"the worker process {_process.Id} exited with code {exitCode} in the middle of the job",
        };
        return new BatchJobOutcome(_killedOnPurpose ? BatchJobState.Cancelled : BatchJobState.Failed,
            signal is null ? exitCode : null, signal, _log.ToString(), detail);
    }
}
