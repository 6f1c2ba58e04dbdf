using System.Diagnostics;

namespace BatchPool.Bench.Workloads;

/// <summary>Workload 3's figures, in milliseconds: the round trip, and its two halves (Submit returning, then Result).</summary>
internal sealed record LatencyResult(int Calls, double MedianMs, double P90Ms, double MinMs, double MedianSubmitMs, double MedianResultMs);

/// <summary>Workload 3: <c>Submit(x => x * 3, i).Result()</c> one at a time on a warm executor.</summary>
internal static class LatencyWorkload
{
    private const int WarmUpCalls = 10;

    public static LatencyResult Run(int calls)
    {
        using var bench = new BenchExecutor();
        var executor = bench.Executor;
        for (var i = 0; i < WarmUpCalls; i++)
        {
            Check(executor.Submit((int x) => x * 3, i).Result(BenchExecutor.ResultTimeout), i);
        }
        var roundTrips = new double[calls];
        var submits = new double[calls];
        var results = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var future = executor.Submit((int x) => x * 3, i);
            var submitted = Stopwatch.GetTimestamp();
            Check(future.Result(BenchExecutor.ResultTimeout), i);
            var done = Stopwatch.GetTimestamp();
            submits[i] = Stopwatch.GetElapsedTime(start, submitted).TotalMilliseconds;
            results[i] = Stopwatch.GetElapsedTime(submitted, done).TotalMilliseconds;
            roundTrips[i] = Stopwatch.GetElapsedTime(start, done).TotalMilliseconds;
        }
        return new LatencyResult(
            calls, Stats.Median(roundTrips), Stats.Percentile(roundTrips, 0.9), roundTrips.Min(), Stats.Median(submits), Stats.Median(results));
    }

    private static void Check(int result, int i)
    {
        if (result != i * 3)
        {
            throw new InvalidOperationException($"Submit's result for {i} is {result}, not {i * 3}.");
        }
    }
}
