using System.Diagnostics;
using BatchPool.Backends;

namespace BatchPool.Bench.Workloads;

/// <summary>One job on a fresh executor, in seconds: construction, Submit, Result, and (reported apart) shutdown.</summary>
internal sealed record ColdStartRun(double Construct, double Submit, double Result, double Shutdown)
{
    public double ToResult => Construct + Submit + Result;
}

/// <summary>Workload 5: one trivial job on a fresh executor, against a bare <c>dotnet hello.dll</c> process start.</summary>
internal static class ColdStartWorkload
{
    public static ColdStartRun OneJob()
    {
        var spans = new Spans();
        double construct, submit, result;
        using (var bench = new BenchExecutor())
        {
            construct = spans.Lap();
            var future = bench.Executor.Submit(() => 6 * 7);
            submit = spans.Lap();
            var answer = future.Result(BenchExecutor.ResultTimeout);
            result = spans.Lap();
            if (answer != 42)
            {
                throw new InvalidOperationException($"The job returned {answer}, not 42.");
            }
        }
        return new ColdStartRun(construct, submit, result, spans.Lap());
    }

    /// <summary>Seconds from starting <c>dotnet HelloWorld.dll</c> to its exit; with <paramref name="spawn"/>, a hello-world that starts another and waits for it.</summary>
    public static double HelloWorldStart(bool spawn = false)
    {
        var hello = Path.Combine(AppContext.BaseDirectory, "HelloWorld.dll");
        var start = new ProcessStartInfo(WorkerDistribution.DotnetHostPath, spawn ? [hello, "--spawn"] : [hello])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {hello}.");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var seconds = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0 || !output.StartsWith("Hello", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{hello} exited with {process.ExitCode}: {output}");
        }
        return seconds;
    }
}
