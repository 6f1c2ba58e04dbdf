using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace BatchPool.Faults;

/// <summary>
/// The fault suite: each fault is caused for real (worker processes killed, containers killed, result files altered, a
/// full disk, a hanging job, the client killed, cancels racing completions) and the table says, for each, how many
/// results came back right, how many were lost, how many waits hung, what was left running 60 s later, and the time.
/// </summary>
internal static class FaultSuite
{
    private static readonly List<Row> Rows = [];

    public static async Task<int> RunAsync(string[] backends)
    {
        backends = backends.Length == 0 ? ["local", "docker", "slurm"] : backends;
        Console.WriteLine($"BatchPool fault suite, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores");
        var root = Path.Combine(Path.GetTempPath(), "batchpool-faults", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            if (backends.Contains("race"))
            {
                Measure(() => CancelRace(root));
            }
            if (backends.Contains("local"))
            {
                Measure(() => KilledWorkers("local", root));
                Measure(() => AlteredResult(root, truncated: true));
                Measure(() => AlteredResult(root, truncated: false));
                Measure(() => FullDisk(root));
                Measure(() => HangingJob(root));
                Measure(() => CancelRace(root));
                Measure(() => ClientKilled("local"));
            }
            if (backends.Contains("docker"))
            {
                Measure(() => KilledWorkers("docker", root));
                Measure(() => ClientKilled("docker"));
            }
            if (backends.Contains("dockerd"))
            {
                // Restarts the shared engine: run only under `flock -x /work/wt/docker.lock` (or on an engine of your own).
                Measure(() => DockerdRestart(root));
            }
            if (backends.Contains("slurm"))
            {
                Measure(() => ClientKilled("slurm"));
            }
            if (backends.Contains("slurm-nodes"))
            {
                // These disturb the cluster for everyone using it: run them alone (flock -x on its lock).
                Measure(() => SlurmNodeLost(root, "a node taken down (scontrol update state=down) during a map", TakeDown, Resume));
                Measure(() => SlurmNodeLost(root, "kill -9 of a node's slurmd during a map", KillSlurmd, RestartSlurmd));
            }
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Left for the system's temporary-file cleaning.
            }
        }
        Console.WriteLine();
        Console.WriteLine("| fault | backend | jobs | results right | results lost | hangs | orphans after 60 s | time | notes |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var row in Rows)
        {
            Console.WriteLine(row.ToString());
        }
        return Rows.All(r => r.Lost == 0 && r.Hangs == 0 && r.Orphans == 0) ? 0 : 1;
    }

    private static void Measure(Func<Row> fault)
    {
        try
        {
            var row = fault();
            Rows.Add(row);
            Console.WriteLine(row.ToString());
        }
#pragma warning disable CA1031 // A fault that breaks the suite is a row of its own, and the suite goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Rows.Add(new Row(fault.Method.Name, "?", 0, 0, -1, 0, 0, TimeSpan.Zero, $"suite error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}"));
            Console.WriteLine(Rows[^1].ToString());
        }
    }

    private static IBatchBackend Backend(string backend, string root)
    {
        var folder = Path.Combine(root, backend + "-" + Guid.NewGuid().ToString("N")[..6]);
        return backend == "docker" ? new DockerBackend(folder) : new LocalBackend(folder);
    }

    /// <summary>20 kills of worker processes (local) or containers (Docker) during a 200-job map of 0.2 s calls, against the same map without kills.</summary>
    private static Row KilledWorkers(string backend, string root)
    {
        // BATCHPOOL_FAULTS_JOBS makes the map shorter (a tenth of it is killed): for a quick look.
        var jobCount = int.TryParse(Environment.GetEnvironmentVariable("BATCHPOOL_FAULTS_JOBS"), out var asked) ? asked : 200;
        var killCount = jobCount / 10;
        var items = Enumerable.Range(0, jobCount).ToList();
        TimeSpan RunMap(bool kill, out int right, out string notes)
        {
            var owned = Backend(backend, root);
            using var disposeBackend = new BackendDisposal(owned);
            using var executor = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = owned, HandleSignals = false });
            // Warm: the first job boots the workers or pulls nothing but checks the image; both maps start from there.
            _ = executor.Submit(() => 0).Result(TimeSpan.FromMinutes(5));
            var clock = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource();
            var killed = 0;
            var killer = kill ? Task.Run(async () =>
            {
                // Spread over the map's expected length (200 calls of 0.2 s on the machine's cores).
                var every = TimeSpan.FromSeconds(jobCount * 0.2 / Environment.ProcessorCount / (killCount + 2));
                while (killed < killCount && !stop.IsCancellationRequested)
                {
                    await Task.Delay(every).ConfigureAwait(false);
                    if (backend == "local" ? KillOneWorker() : KillOneContainer(executor.Name))
                    {
                        killed++;
                    }
                }
            }) : Task.CompletedTask;
            var results = executor.Map(Sleep200, items, timeout: TimeSpan.FromMinutes(3)).ToList();
            var took = clock.Elapsed;
            stop.Cancel();
            killer.Wait();
            right = results.SequenceEqual(items) ? results.Count : results.Where((r, i) => r == i).Count();
            notes = kill ? $"{killed} kills" : "no kills";
            return took;
        }
        var baseline = RunMap(kill: false, out _, out _);
        var withKills = RunMap(kill: true, out var right, out var notes);
        return new Row($"{killCount} worker kills in a {jobCount}-job map of 0.2 s calls", backend, jobCount, right, jobCount - right, 0, 0, withKills,
            $"{notes}; without kills {Seconds(baseline)} ({withKills / baseline:0.00}x)");
    }

    private static int Sleep200(int i)
    {
        Thread.Sleep(200);
        return i;
    }

    /// <summary>Kills (SIGKILL) one worker process of this process that is running a job.</summary>
    private static bool KillOneWorker()
    {
        var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        foreach (var folder in Directory.GetDirectories("/proc"))
        {
            var pid = Path.GetFileName(folder);
            if (!pid.All(char.IsAsciiDigit))
            {
                continue;
            }
            try
            {
                var status = File.ReadAllText(Path.Combine(folder, "status"));
                var command = File.ReadAllText(Path.Combine(folder, "cmdline"));
                if (status.Contains($"\nPPid:\t{self}\n", StringComparison.Ordinal) && command.Contains("BatchPool.Worker.dll", StringComparison.Ordinal))
                {
                    using var process = Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture));
                    process.Kill();
                    return true;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // It ended meanwhile.
            }
        }
        return false;
    }

    /// <summary>Kills (docker kill) one running container of the executor.</summary>
    private static bool KillOneContainer(string executorName)
    {
        var (_, running) = Run("docker", "ps", "-q", "--filter", $"label=batchpool.executor={executorName}", "--filter", "status=running");
        var first = running.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return first is not null && Run("docker", "kill", first).ExitCode == 0;
    }

    /// <summary>
    /// The Docker engine restarted (dockerd stopped with SIGTERM, which stops its containers, then started again by
    /// docker/start-dockerd.sh) once a fifth of a 100-job batch of 0.2 s calls is in: every result right or a named
    /// error, none waited for in vain, nothing left behind; the time to recover is from the engine answering again to
    /// the next result.
    /// </summary>
    private static Row DockerdRestart(string root)
    {
        const int Jobs = 100;
        var backend = Backend("docker", root);
        string name;
        int right = 0, named = 0, hangs = 0;
        var arrivals = new TimeSpan[Jobs];
        TimeSpan stopped = default, answering = default, took;
        using (new BackendDisposal(backend))
        {
            using var executor = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = backend, HandleSignals = false });
            name = executor.Name;
            _ = executor.Submit(() => 0).Result(TimeSpan.FromMinutes(5));
            var clock = Stopwatch.StartNew();
            var futures = Enumerable.Range(0, Jobs).Select(i => executor.Submit(Sleep200, i)).ToList();
            for (var i = 0; i < Jobs; i++)
            {
                var index = i;
                futures[i].AddDoneCallback(_ => arrivals[index] = clock.Elapsed);
            }
            var restart = Task.Run(() =>
            {
                while (futures.Count(f => f.Done) < Jobs / 5)
                {
                    Thread.Sleep(50);
                }
                stopped = clock.Elapsed;
                RestartDockerd();
                answering = clock.Elapsed;
            });
            for (var i = 0; i < Jobs; i++)
            {
                try
                {
                    right += futures[i].Result(TimeSpan.FromMinutes(4)) == i ? 1 : 0;
                }
                catch (TimeoutException)
                {
                    hangs++;
                }
                catch (BatchJobFailedException e)
                {
                    named++;
                    Console.Error.WriteLine($"named error: call {i}: {e.Message.ReplaceLineEndings(" ")[..Math.Min(300, e.Message.Length)]}");
                }
            }
            took = clock.Elapsed;
            restart.Wait();
        }
        var orphans = ContainersOf(name);
        for (var wait = Stopwatch.StartNew(); orphans > 0 && wait.Elapsed < TimeSpan.FromSeconds(60); orphans = ContainersOf(name))
        {
            Thread.Sleep(500);
        }
        var next = arrivals.Where(a => a > answering).DefaultIfEmpty().Min();
        return new Row("dockerd restarted during a 100-job batch of 0.2 s calls", "docker", Jobs, right, Jobs - right - named - hangs, hangs, orphans, took,
            $"{named} named errors; engine away {Seconds(answering - stopped)} (stop with its containers, start); next result {Seconds(next - answering)} after it answered again");
    }

    private static int ContainersOf(string executorName) =>
        Run("docker", "ps", "-aq", "--filter", $"label=batchpool.executor={executorName}").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>Stops the engine docker/start-dockerd.sh started (SIGTERM: it stops its containers first) and starts it again with that script.</summary>
    private static void RestartDockerd()
    {
        const string PidFile = "/run/batchpool-dockerd.pid";
        var pid = int.Parse(File.ReadAllText(PidFile).Trim(), CultureInfo.InvariantCulture);
        Run("kill", "-TERM", pid.ToString(CultureInfo.InvariantCulture));
        for (var wait = Stopwatch.StartNew(); IsRunning(pid) && wait.Elapsed < TimeSpan.FromSeconds(60);)
        {
            Thread.Sleep(100);
        }
        var script = StartScript() ?? throw new InvalidOperationException("docker/start-dockerd.sh not found above " + AppContext.BaseDirectory);
        var (code, output) = Run("bash", script);
        if (code != 0)
        {
            throw new InvalidOperationException($"docker/start-dockerd.sh failed: {output}");
        }
    }

    private static string? StartScript()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var script = Path.Combine(folder.FullName, "docker", "start-dockerd.sh");
            if (File.Exists(script))
            {
                return script;
            }
        }
        return null;
    }

    /// <summary>A result file cut short or overwritten with other bytes, by a job that then dies: rejected, never deserialized, retried.</summary>
    private static Row AlteredResult(string root, bool truncated)
    {
        const int Jobs = 20;
        var storageRoot = Path.Combine(root, "altered-" + Guid.NewGuid().ToString("N")[..6]);
        var backend = new LocalBackend(new LocalBackendOptions { RemoteTmpdir = storageRoot, PayloadsThroughStorage = true });
        using var executor = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = backend, HandleSignals = false });
        var folder = Path.Combine(storageRoot, "batch-pool-executor", executor.Name);
        var clock = Stopwatch.StartNew();
        var futures = Enumerable.Range(0, Jobs).Select(i => executor.Submit(AlteringJob(folder, i, truncated))).ToList();
        var (right, lost, hangs) = Collect(futures, i => i);
        return new Row(truncated ? "a truncated result file" : "a tampered result file", "local (through storage)", Jobs, right, lost, hangs, 0, clock.Elapsed,
            "each job's first attempt writes it and dies; rejected before decoding, retried");
    }

    private static Func<int> AlteringJob(string folder, int i, bool truncated) => () =>
    {
        var marker = Path.Combine(folder, $"altered-{i}");
        if (!File.Exists(marker))
        {
            File.WriteAllText(marker, "");
            // This job's own output: the call whose input is being read by this process is the one without an output yet.
            foreach (var input in Directory.GetDirectories(Path.Combine(folder, "inputs")))
            {
                var output = Path.Combine(folder, "outputs", Path.GetFileName(input));
                if (!Directory.Exists(output))
                {
                    Directory.CreateDirectory(output);
                    File.WriteAllBytes(Path.Combine(output, "output"), truncated ? [1, 2, 3] : Encoding.UTF8.GetBytes(new string('x', 4096)));
                }
            }
            Process.GetCurrentProcess().Kill();
        }
        return i;
    };

    /// <summary>A job whose result does not fit the disk (a 16 MB tmpfs as the folder): a named error, never a half-written result read.</summary>
    private static Row FullDisk(string root)
    {
        var mount = Path.Combine(root, "tmpfs");
        Directory.CreateDirectory(mount);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount);
        if (code != 0)
        {
            return new Row("a job fills its disk (ENOSPC)", "local", 0, 0, 0, 0, 0, TimeSpan.Zero, $"not run: mount tmpfs failed ({output.Trim()})");
        }
        try
        {
            var backend = new LocalBackend(new LocalBackendOptions { RemoteTmpdir = mount, PayloadsThroughStorage = true });
            using var executor = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = backend, HandleSignals = false, CleanupBucket = true });
            var clock = Stopwatch.StartNew();
            var small = executor.Submit(SmallResult);
            var big = executor.Submit(BigResult);
            var rightSmall = small.Result(TimeSpan.FromMinutes(2)) == 1;
            var error = big.Exception(TimeSpan.FromMinutes(2));
            var named = error is BatchJobFailedException failed && failed.Message.Contains("No space left on device", StringComparison.Ordinal);
            var notes = named
                ? $"named error after {((BatchJobFailedException)error!).Attempts.Count} attempts: 'No space left on device' in the log tail; no partial file read"
                : $"unexpected: {error?.GetType().Name}: {error?.Message.ReplaceLineEndings(" ")[..Math.Min(300, error.Message.Length)]}";
            return new Row("a job fills its disk (ENOSPC)", "local (16 MB tmpfs)", 2, rightSmall ? 1 : 0, 0, 0, 0, clock.Elapsed, notes);
        }
        finally
        {
            Run("umount", "-l", mount);
        }
    }

    private static int SmallResult() => 1;

    private static byte[] BigResult() => new byte[64 << 20];

    /// <summary>A job that hangs, with a 3 s per-job timeout: stopped, and its error says so.</summary>
    private static Row HangingJob(string root)
    {
        using var executor = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = Backend("local", root), HandleSignals = false, JobTimeout = TimeSpan.FromSeconds(3) });
        var clock = Stopwatch.StartNew();
        var hanging = executor.Submit(Hang);
        var error = hanging.Exception(TimeSpan.FromMinutes(2));
        var took = clock.Elapsed;
        var said = error is BatchJobFailedException { State: Backends.BatchJobState.TimedOut } e && e.Message.Contains("ran past its timeout", StringComparison.Ordinal);
        return new Row("a job that hangs (JobTimeout 3 s)", "local", 1, said ? 1 : 0, said ? 0 : 1, 0, 0, took, said ? "stopped; TimedOut, 'ran past its timeout of 00:00:03'" : $"unexpected: {error?.Message}");
    }

    private static int Hang()
    {
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    /// <summary>1,000 futures with Cancel() calls at random moments, racing their completion: each ends once, none hangs.</summary>
    private static Row CancelRace(string root)
    {
        const int Jobs = 1000;
        using var executor = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = Backend("local", root), HandleSignals = false });
        var clock = Stopwatch.StartNew();
        var random = new Random(7);
        var futures = Enumerable.Range(0, Jobs).Select(i => executor.Submit(Quick, i % 20)).ToList();
        var endings = new int[Jobs];
        for (var i = 0; i < Jobs; i++)
        {
            var index = i;
            futures[i].AddDoneCallback(_ => Interlocked.Increment(ref endings[index]));
        }
        Parallel.ForEach(Enumerable.Range(0, Jobs).Where(_ => random.Next(2) == 0).ToList(), i =>
        {
            Thread.Sleep(i % 7);
            futures[i].Cancel();
        });
        var hangs = 0;
        var right = 0;
        var cancelled = 0;
        for (var i = 0; i < Jobs; i++)
        {
            try
            {
                right += futures[i].Result(TimeSpan.FromMinutes(2)) == i % 20 ? 1 : 0;
            }
            catch (TimeoutException)
            {
                hangs++;
            }
            catch (TaskCanceledException)
            {
                cancelled++;
            }
            catch (BatchJobFailedException e)
            {
                Console.Error.WriteLine($"lost: future {i}: {e.Message}");
            }
        }
        // Callbacks run after the future is done: give them a moment.
        Thread.Sleep(500);
        var once = endings.Count(e => e == 1);
        return new Row("1,000 futures, random Cancel() racing completion", "local", Jobs, right, Jobs - right - cancelled - hangs, hangs, 0, clock.Elapsed,
            $"{cancelled} cancelled, {right} completed; {once} of {Jobs} ended exactly once (done callbacks)");
    }

    private static int Quick(int i)
    {
        Thread.Sleep(i);
        return i;
    }

    /// <summary>The client killed with SIGKILL while 2 jobs run: how long until nothing of them is left.</summary>
    private static Row ClientKilled(string backend)
    {
        var name = $"fate-{backend}-{Guid.NewGuid().ToString("N")[..8]}";
        var root = Path.Combine(Path.GetTempPath(), "batchpool-tests", Guid.NewGuid().ToString("N")[..12]);
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[typeof(FaultSuite).Assembly.Location, "hold", name, "2", Path.Combine(root, "pids")])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["BATCHPOOL_BACKEND"] = $"{backend}:{root}";
        using var client = Process.Start(start)!;
        var line = client.StandardOutput.ReadLine();
        if (line != "ready")
        {
            client.Kill();
            return new Row("client SIGKILL", backend, 2, 0, 0, 0, 0, TimeSpan.Zero, $"the client did not start its jobs: {client.StandardError.ReadToEnd().ReplaceLineEndings(" ")}");
        }
        Func<int> left = backend switch
        {
            "local" => () => Directory.Exists(Path.Combine(root, "pids"))
                ? Directory.GetFiles(Path.Combine(root, "pids")).Count(f => IsRunning(int.Parse(Path.GetFileName(f), CultureInfo.InvariantCulture)))
                : 0,
            "docker" => () => Run("docker", "ps", "-aq", "--filter", $"label=batchpool.executor={name}").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length,
            _ => () => Run("squeue", "--noheader", $"--name={name}", "--format=%i").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length,
        };
        // Containers counted running, not only there: a job that ended by itself must not pass for one the watcher stopped.
        Func<int> running = backend == "docker"
            ? () => Run("docker", "ps", "-q", "--filter", $"label=batchpool.executor={name}", "--filter", "status=running").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length
            : left;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (running() < 2 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(200);
        }
        var before = running();
        client.Kill();
        var clock = Stopwatch.StartNew();
        while (left() > 0 && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            Thread.Sleep(250);
        }
        var took = clock.Elapsed;
        var orphans = left();
        return new Row("client SIGKILL while its jobs run", backend, 2, 0, 0, 0, orphans, took, $"{before} jobs running at the kill; time = until none was left");
    }

    /// <summary>
    /// A 16-job map of 15 s calls on Slurm (both nodes busy) during which the node of the first call is lost (<paramref name="lose"/>),
    /// then put back (<paramref name="restore"/>): the results, where each call ran, and the time until the map ended.
    /// </summary>
    private static Row SlurmNodeLost(string root, string fault, Func<string, string> lose, Action<string> restore)
    {
        const int Jobs = 16;
        var folder = Path.Combine(root, "slurm-" + Guid.NewGuid().ToString("N")[..6]);
        var marks = Path.Combine(folder, "marks");
        Directory.CreateDirectory(marks);
        var backend = new SlurmBackend(folder);
        using var disposeBackend = new BackendDisposal(backend);
        using var executor = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = backend, HandleSignals = false });
        var clock = Stopwatch.StartNew();
        var map = Task.Run(() => executor.Map(RecordingNodes(marks), Enumerable.Range(0, Jobs), timeout: TimeSpan.FromMinutes(10)).ToList());
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (Directory.GetFiles(marks).Length < 8 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
        }
        var node = File.ReadAllText(Directory.GetFiles(marks)[0]).Trim().Split(' ')[0];
        var faultAt = clock.Elapsed;
        var how = lose(node);
        try
        {
            var hangs = 0;
            List<(int Item, string Nodes)> results = [];
            try
            {
                results = map.WaitAsync(TimeSpan.FromMinutes(12)).Result;
            }
            catch (AggregateException e) when (e.InnerException is TimeoutException)
            {
                hangs = 1;
            }
            var took = clock.Elapsed;
            var right = results.Where((r, i) => r.Item == i).Count();
            var rerun = results.Count(r => r.Nodes.Contains(' ', StringComparison.Ordinal));
            var rerunElsewhere = results.Count(r => r.Nodes.Split(' ') is [var first, .., var last] && first == node && last != node);
            return new Row(fault, "slurm", Jobs, right, Jobs - right - (hangs * Jobs), hangs, 0, took,
                $"{how}; {rerun} calls ran again, {rerunElsewhere} of them first on {node} then elsewhere; the map ended {Seconds(took - faultAt)} after the fault");
        }
        finally
        {
            restore(node);
        }
    }

    /// <summary>The calls' function, made here so that its closure holds only what it needs (not the executor).</summary>
    private static Func<int, (int Item, string Nodes)> RecordingNodes(string marks) => i => RecordsItsNodes(marks, i);

    private static (int Item, string Nodes) RecordsItsNodes(string marks, int item)
    {
        var mark = Path.Combine(marks, item.ToString(CultureInfo.InvariantCulture));
        var firstRun = !File.Exists(mark);
        File.AppendAllText(mark, (Environment.GetEnvironmentVariable("SLURMD_NODENAME") ?? "?") + " ");
        if (firstRun)
        {
            Thread.Sleep(TimeSpan.FromSeconds(15));
        }
        return (item, File.ReadAllText(mark).Trim());
    }

    private static string TakeDown(string node)
    {
        Run("scontrol", "update", $"nodename={node}", "state=down", "reason=batchpool-faults");
        return $"{node} taken down";
    }

    private static void Resume(string node)
    {
        Run("scontrol", "update", $"nodename={node}", "state=resume");
        WaitIdle(node);
    }

    private static string KillSlurmd(string node)
    {
        var pid = File.ReadAllText($"/run/slurm/slurmd-{node}.pid").Trim();
        Run("kill", "-9", pid);
        return $"slurmd of {node} (pid {pid}) killed";
    }

    /// <summary>Starts the node's slurmd again as ci/slurm/start.sh does, and resumes the node if Slurm took it down meanwhile.</summary>
    private static void RestartSlurmd(string node)
    {
        // Not through Run: the daemon's children could keep its output pipes open.
        var start = new ProcessStartInfo("nsenter") { UseShellExecute = false };
        foreach (var argument in (string[])[$"--net=/run/netns/bpnode{node[^1]}", "unshare", "--uts", "sh", "-c", $"hostname {node} && exec /usr/sbin/slurmd -N {node}"])
        {
            start.ArgumentList.Add(argument);
        }
        using (var slurmd = Process.Start(start)!)
        {
            slurmd.WaitForExit(TimeSpan.FromSeconds(30));
        }
        WaitIdle(node);
    }

    private static void WaitIdle(string node)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        string state;
        while ((state = Run("sinfo", "--noheader", $"--nodes={node}", "--format=%t").Output.Trim()) != "idle" && DateTime.UtcNow < deadline)
        {
            if (state.StartsWith("down", StringComparison.Ordinal))
            {
                Run("scontrol", "update", $"nodename={node}", "state=resume");
            }
            Thread.Sleep(500);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static (int Right, int Lost, int Hangs) Collect(List<BatchPoolFuture<int>> futures, Func<int, int> expected)
    {
        var right = 0;
        var lost = 0;
        var hangs = 0;
        for (var i = 0; i < futures.Count; i++)
        {
            try
            {
                if (futures[i].Result(TimeSpan.FromMinutes(2)) == expected(i))
                {
                    right++;
                }
                else
                {
                    lost++;
                }
            }
            catch (TimeoutException)
            {
                hangs++;
            }
#pragma warning disable CA1031 // A lost result is counted, whatever its exception.
            catch (Exception)
#pragma warning restore CA1031
            {
                lost++;
            }
        }
        return (right, lost, hangs);
    }

    private static (int ExitCode, string Output) Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }

    private static string Seconds(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.0} s");

    /// <summary>Disposes a backend given to an executor (which does not own it) after the executor.</summary>
    private sealed class BackendDisposal(IBatchBackend backend) : IDisposable
    {
        public void Dispose() => backend.DisposeAsync().AsTask().Wait();
    }

    private sealed record Row(string Fault, string Backend, int Jobs, int Right, int Lost, int Hangs, int Orphans, TimeSpan Time, string Notes)
    {
        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"| {Fault} | {Backend} | {Jobs} | {Right} | {Lost} | {Hangs} | {Orphans} | {Seconds(Time)} | {Notes} |");
    }
}
