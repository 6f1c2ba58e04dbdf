using System.Diagnostics;
using System.Reflection;
using BatchPool.Tests.Codec;

namespace BatchPool.Tests.Faults;

/// <summary>A real client program (BatchPool.Faults hold) on a backend, holding running jobs until the test ends it.</summary>
internal sealed class ClientProgram : IDisposable
{
    private readonly Process _process;

    private ClientProgram(Process process, string name, string root)
    {
        _process = process;
        Name = name;
        Root = root;
    }

    public string Name { get; }

    public string Root { get; }

    public string PidFolder => Path.Combine(Root, "pids");

    public string ExecutorFolder => Path.Combine(Root, "batch-pool-executor", Name);

    public int ProcessId => _process.Id;

    /// <summary>Whether the client program has ended.</summary>
    public bool HasExited => _process.HasExited;

    public static string ProgramPath =>
        typeof(ClientProgram).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FaultsProgramPath").Value
        ?? throw new InvalidOperationException("the test build did not record where BatchPool.Faults is");

    /// <summary>Starts the client on <paramref name="backend"/> (local, docker, slurm) with <paramref name="jobs"/> jobs and waits until they all run.</summary>
    public static ClientProgram Start(string backend, int jobs, bool leave = false)
    {
        var name = $"fate-{backend}-{Guid.NewGuid().ToString("N")[..8]}";
        var root = Path.Combine(Path.GetTempPath(), "batchpool-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        // Through env --default-signal=INT (which execs it): a test process started in the background of a non-interactive
        // shell ignores SIGINT, the client would inherit that, and the SIGINT test would wait 90 s for a client that never
        // saw its signal (as it did in a helper's run).
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["--default-signal=INT", CodecHostRun.DotnetPath, ProgramPath, "hold", name, jobs.ToString(System.Globalization.CultureInfo.InvariantCulture), Path.Combine(root, "pids")])
        {
            start.ArgumentList.Add(argument);
        }
        if (leave)
        {
            start.ArgumentList.Add("--leave");
        }
        start.Environment["BATCHPOOL_BACKEND"] = $"{backend}:{root}";
        var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var client = new ClientProgram(process, name, root);
        var line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromMinutes(4)) || line.Result != "ready")
        {
            client.Kill();
            throw new InvalidOperationException($"the client program did not get its {jobs} jobs running: {line.Status} '{(line.IsCompletedSuccessfully ? line.Result : "")}' {(errors.Wait(TimeSpan.FromSeconds(5)) ? errors.Result : "")}");
        }
        return client;
    }

    /// <summary>Kills the client with SIGKILL: it runs no code of its own at death.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>
    /// Kills the client's program-end watchers (its <c>/bin/sh</c> children), then the client, both with SIGKILL: as if
    /// its whole machine had gone, nothing of it runs on to stop the jobs. Returns how many watchers there were.
    /// </summary>
    public int KillWithItsWatchers()
    {
        var watchers = Directory.GetDirectories("/proc")
            .Select(folder => int.TryParse(Path.GetFileName(folder), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && IsWatcherOfClient(pid))
            .ToList();
        foreach (var watcher in watchers)
        {
            try
            {
                using var process = Process.GetProcessById(watcher);
                process.Kill();
            }
            catch (ArgumentException)
            {
                // Gone meanwhile.
            }
        }
        Kill();
        return watchers.Count;
    }

    private bool IsWatcherOfClient(int pid)
    {
        try
        {
            // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so the fields are read after its ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == _process.Id
                && File.ReadAllText($"/proc/{pid}/cmdline").Contains("batchpool-program-end-watcher", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Sends <paramref name="signal"/> (2, 15) to the client and returns its exit code.</summary>
    public int Signal(int signal, TimeSpan wait)
    {
        using (var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        if (!_process.WaitForExit(wait))
        {
            _process.Kill();
            throw new TimeoutException($"the client did not end within {wait} of signal {signal}");
        }
        return _process.ExitCode;
    }

    /// <summary>Waits for the client to end by itself and returns its exit code.</summary>
    public int WaitForExit(TimeSpan wait)
    {
        if (!_process.WaitForExit(wait))
        {
            _process.Kill();
            throw new TimeoutException($"the client did not end within {wait}");
        }
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A job's file may still be written; the temporary folder is cleaned by the system.
        }
        catch (UnauthorizedAccessException)
        {
            // Idem.
        }
    }

    /// <summary>Polls <paramref name="count"/> every second until it is 0 or <paramref name="limit"/> passed; returns the time it took, or null.</summary>
    public static TimeSpan? TimeUntilNone(Func<int> count, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (count() == 0)
            {
                return clock.Elapsed;
            }
            Thread.Sleep(500);
        }
        return count() == 0 ? clock.Elapsed : null;
    }
}
