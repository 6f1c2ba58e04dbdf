namespace BatchPool.Bench.Workloads;

/// <summary>One Map run's spans, in seconds: executor construction, Map (which submits every job), reading the results, shutdown.</summary>
internal sealed record MapRun(int Calls, int Chunksize, double Construct, double Submit, double Collect, double Shutdown)
{
    public double Total => Construct + Submit + Collect + Shutdown;

    public double MicrosecondsPerCall => Total / Calls * 1e6;
}

/// <summary>Workloads 1, 2 and 6: trivial calls (<c>x => x * 3</c>) through Map, executor start and shutdown included.</summary>
internal static class MapWorkload
{
    /// <param name="calls">How many calls.</param>
    /// <param name="chunksize">Calls per job.</param>
    /// <param name="keepFolderIn">When set, the executor keeps its folder (no cleanup) under this root: a diagnostic.</param>
    public static MapRun Run(int calls, int chunksize, string? keepFolderIn = null)
    {
        var spans = new Spans();
        List<int> results;
        double construct, submit, collect;
        using (var bench = new BenchExecutor(keepFolderIn, cleanupBucket: keepFolderIn is null))
        {
            construct = spans.Lap();
            var pending = bench.Executor.Map((int x) => x * 3, Enumerable.Range(0, calls), BenchExecutor.ResultTimeout, chunksize);
            submit = spans.Lap();
            results = [.. pending];
            collect = spans.Lap();
        }
        var shutdown = spans.Lap();
        Verify(results, calls);
        return new MapRun(calls, chunksize, construct, submit, collect, shutdown);
    }

    private static void Verify(List<int> results, int calls)
    {
        if (results.Count != calls)
        {
            throw new InvalidOperationException($"Map returned {results.Count} results for {calls} calls.");
        }
        for (var i = 0; i < calls; i++)
        {
            if (results[i] != i * 3)
            {
                throw new InvalidOperationException($"Map's result {i} is {results[i]}, not {i * 3}.");
            }
        }
    }
}
