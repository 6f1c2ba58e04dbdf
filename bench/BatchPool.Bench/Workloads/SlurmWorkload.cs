using System.Diagnostics;
using System.Globalization;

namespace BatchPool.Bench.Workloads;

/// <summary>
/// Issue 5's figures, against Slurm's own fastest path on the same cluster: a Map of trivial calls (packed as by default,
/// and unpacked for reference) against one <c>sbatch --array</c> of trivial shell jobs, and one Submit round trip against
/// one trivial sbatch job, submit to end.
/// </summary>
internal static class SlurmWorkload
{
    public static void Run(string folder, bool quick, TextWriter output)
    {
        var tasks = quick ? 200 : 1000;
        var rounds = quick ? 3 : 7;
        Directory.CreateDirectory(folder);
        output.WriteLine($"Slurm benchmark in {folder}: Map of {tasks} trivial calls (chunksize 1) and {rounds} single round trips");
        output.WriteLine(Run("sinfo", "--Node", "--format=%N %t %c").Output.TrimEnd());

        var shellArray = ShellArray(folder, tasks);
        output.WriteLine(Invariant($"  sbatch --array of {tasks} shell jobs running 'true': {shellArray:0.00} s"));
        var map = MapThroughBatchPool(folder, tasks, maxArrayTasks: null);
        output.WriteLine(Invariant($"  BatchPool Map of {tasks} calls, executor start and shutdown included: {map:0.00} s (default packing)"));
        // The same with one array task per chunk: what packing saves, and what a worker start costs per task.
        var unpacked = MapThroughBatchPool(folder, tasks, maxArrayTasks: int.MaxValue);
        output.WriteLine(Invariant($"  BatchPool Map of {tasks} calls, one array task per chunk (MaxArrayTasks = int.MaxValue): {unpacked:0.00} s"));

        var shellSingles = Enumerable.Range(0, rounds).Select(_ => ShellArray(folder, 1)).ToList();
        var submits = SubmitRoundTrips(folder, rounds);
        var shellSingle = Median(shellSingles);
        var submit = Median(submits);

        output.WriteLine();
        output.WriteLine("| Slurm workload | BatchPool | Slurm alone | ratio | target |");
        output.WriteLine("|---|---|---|---|---|");
        output.WriteLine(Invariant($"| Map {tasks} trivial calls, chunksize 1 | {map:0.00} s | {shellArray:0.00} s (sbatch --array of 'true') | {map / shellArray:0.00}x | <= 1.0x |"));
        output.WriteLine(Invariant($"| (same) one array task per chunk, MaxArrayTasks = int.MaxValue | {unpacked:0.00} s | {shellArray:0.00} s | {unpacked / shellArray:0.00}x | (reference) |"));
        output.WriteLine(Invariant($"| Submit round trip (median of {rounds}) | {submit * 1000:0} ms | {shellSingle * 1000:0} ms (one sbatch 'true', submit to end) | {submit / shellSingle:0.00}x | <= 1.2x |"));
    }

    /// <summary>Seconds from submitting an array of trivial shell jobs to squeue listing none of them unfinished.</summary>
    private static double ShellArray(string folder, int tasks)
    {
        var watch = Stopwatch.StartNew();
        var (code, text) = Run("sbatch", "--parsable", $"--array=0-{tasks - 1}", "--output=/dev/null", $"--chdir={folder}", "--job-name=bench-shell", "--wrap=true");
        if (code != 0)
        {
            throw new InvalidOperationException($"sbatch failed: {text}");
        }
        var id = text.Trim().Split(';')[0];
        while (Run("squeue", "--noheader", $"--jobs={id}", "--states=PENDING,RUNNING,CONFIGURING,COMPLETING", "--format=%i").Output.Trim().Length > 0)
        {
            Thread.Sleep(50);
        }
        return watch.Elapsed.TotalSeconds;
    }

    private static double MapThroughBatchPool(string folder, int tasks, int? maxArrayTasks)
    {
        var watch = Stopwatch.StartNew();
        using (var executor = new BatchPoolExecutor(backend: new SlurmBackend(folder) { MaxArrayTasks = maxArrayTasks }))
        {
            var results = executor.Map(x => x * 3, Enumerable.Range(0, tasks)).ToList();
            if (results.Count != tasks || results[^1] != (tasks - 1) * 3)
            {
                throw new InvalidOperationException("The map returned wrong results.");
            }
        }
        return watch.Elapsed.TotalSeconds;
    }

    private static List<double> SubmitRoundTrips(string folder, int rounds)
    {
        var times = new List<double>();
        var backend = new SlurmBackend(folder);
        using var executor = new BatchPoolExecutor(backend: backend);
        // The first job ships the worker and the code: the round trips measure a warm executor, as workload 3 does.
        executor.Submit(() => 0).Result();
        for (var i = 0; i < rounds; i++)
        {
            var watch = Stopwatch.StartNew();
            executor.Submit(() => 1).Result();
            times.Add(watch.Elapsed.TotalSeconds);
        }
        return times;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
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

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
