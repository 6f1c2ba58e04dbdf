using System.Diagnostics;

namespace BatchPool.Bench.Workloads;

/// <summary>
/// One run of workload 7: BatchPool's Map on the Docker backend, a container per job (the default) and with
/// <c>ReuseContainers</c>, and the same count of bare <c>docker run</c>s.
/// </summary>
internal sealed record DockerMapRun(MapRun Map, MapRun Reusing, double DockerRunsBefore, double DockerRunsAfter)
{
    /// <summary>The baseline: the mean of the <c>docker run</c> rounds before and after BatchPool's, so that a change of the machine's load during the run weighs on both sides.</summary>
    public double DockerRunSeconds => (DockerRunsBefore + DockerRunsAfter) / 2;
}

/// <summary>
/// Workload 7 (issue 6): <c>Map</c> of 200 trivial calls, chunksize 1, on <see cref="DockerBackend"/> with 2 parallel
/// jobs, executor start and shutdown (every container removed) included, in both of its modes; against 200
/// <c>docker run --rm --network none IMAGE true</c> of the same image, 2 at a time (two lanes of 100 in a row), timed
/// before and after BatchPool's runs (their mean is the baseline).
/// </summary>
internal static class DockerMapWorkload
{
    public const int Calls = 200;
    public const int Parallel = 2;

    public static DockerMapRun Run()
    {
        var before = DockerRuns(DockerBackend.DefaultImage);
        var perJob = Map(reuseContainers: false);
        var reusing = Map(reuseContainers: true);
        var after = DockerRuns(DockerBackend.DefaultImage);
        return new DockerMapRun(perJob, reusing, before, after);
    }

    private static MapRun Map(bool reuseContainers)
    {
        var spans = new Spans();
        List<int> results;
        double construct, submit, collect;
        var backend = new DockerBackend(maxParallelJobs: Parallel) { ReuseContainers = reuseContainers };
        try
        {
            using var executor = new BatchPoolExecutor(backend: backend);
            construct = spans.Lap();
            var pending = executor.Map((int x) => x * 3, Enumerable.Range(0, Calls), BenchExecutor.ResultTimeout, 1);
            submit = spans.Lap();
            results = [.. pending];
            collect = spans.Lap();
        }
        finally
        {
            backend.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        var shutdown = spans.Lap();
        if (!results.SequenceEqual(Enumerable.Range(0, Calls).Select(x => x * 3)))
        {
            throw new InvalidOperationException("Map on Docker returned wrong results.");
        }
        return new MapRun(Calls, 1, construct, submit, collect, shutdown);
    }

    /// <summary>The seconds that <see cref="Calls"/> <c>docker run --rm</c>s of <c>true</c> take, <see cref="Parallel"/> at a time.</summary>
    private static double DockerRuns(string image)
    {
        var clock = Stopwatch.StartNew();
        var lanes = Enumerable.Range(0, Parallel).Select(lane => Task.Run(() =>
        {
            for (var i = lane; i < Calls; i += Parallel)
            {
                var start = new ProcessStartInfo("docker") { UseShellExecute = false, RedirectStandardError = true };
                foreach (var argument in (string[])["run", "--rm", "--network", "none", image, "true"])
                {
                    start.ArgumentList.Add(argument);
                }
                using var process = Process.Start(start) ?? throw new InvalidOperationException("docker did not start");
                var errors = process.StandardError.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"docker run {image} true exited with {process.ExitCode}: {errors.Trim()}");
                }
            }
        })).ToArray();
        Task.WaitAll(lanes);
        return clock.Elapsed.TotalSeconds;
    }
}
