using System.Diagnostics;

namespace BatchPool.Bench.Workloads;

/// <summary>Workload 8's figures for one run: the 20-call map over an 80 MB capture, and an 80 MB argument's round trip.</summary>
internal sealed record LargeValueRun(double BigCaptureMapSeconds, double ArgumentRoundTripSeconds);

/// <summary>Workload 8's child: 50 calls over a 50 MB capture: what storage received, and the client's peak memory above its baseline.</summary>
internal sealed record LargeCaptureMemoryRun(long StoredBytes, double BaselineMegabytes, double PeakMegabytes, double CaptureMegabytes)
{
    public double AboveBaselineMegabytes => PeakMegabytes - BaselineMegabytes;
}

/// <summary>
/// Workload 8: large values sent once. A map of 20 calls whose function captures an 80 MB <c>double[]</c> (executor start
/// and shutdown included, as <c>ppe_map_big_capture</c>'s pool start and stop are), an 80 MB argument's
/// <c>Submit→Result</c> on a warm executor (<c>ppe_80mb_roundtrip</c>), and, in a child process, 50 calls over a 50 MB
/// capture with payloads through storage: bytes stored and peak memory.
/// </summary>
internal static class LargeValueWorkload
{
    public const int MapCalls = 20;
    public const int MemoryCalls = 50;
    public const int MemoryLength = 50_000_000 / sizeof(double);

    public static LargeValueRun Run(double[] data)
    {
        var clock = Stopwatch.StartNew();
        double[] results;
        using (var bench = new BenchExecutor())
        {
            results = [.. bench.Executor.Map(k => data[k] * k, Enumerable.Range(0, MapCalls))];
        }
        var map = clock.Elapsed.TotalSeconds;
        if (results.Length != MapCalls || results[3] != data[3] * 3)
        {
            throw new InvalidOperationException("The big capture map returned wrong results.");
        }

        using var warm = new BenchExecutor();
        warm.Executor.Submit(Sum, BigClosureWorkload.MakeData(1_000)).Result(BenchExecutor.ResultTimeout);
        var expected = Sum(data);
        var roundTrips = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            clock.Restart();
            var sum = warm.Executor.Submit(Sum, data).Result(BenchExecutor.ResultTimeout);
            roundTrips.Add(clock.Elapsed.TotalSeconds);
            if (sum != expected)
            {
                throw new InvalidOperationException($"The remote sum is {sum}, not {expected}.");
            }
        }
        return new LargeValueRun(map, Stats.Median(roundTrips));
    }

    /// <summary>The child's side.</summary>
    public static LargeCaptureMemoryRun RunHere()
    {
        var data = BigClosureWorkload.MakeData(MemoryLength);
        GC.Collect();
        var baseline = MachineInfo.ResidentMegabytes() ?? throw new PlatformNotSupportedException("No /proc/self/status VmRSS here.");
        var root = Path.Combine(Path.GetTempPath(), "batchpool-bench-w8-" + Environment.ProcessId);
        var backend = new LocalBackend(new LocalBackendOptions { RemoteTmpdir = root, MaxParallelJobs = 2, PayloadsThroughStorage = true });
        long stored;
        using (var executor = new BatchPoolExecutor(backend: backend, cleanupBucket: false))
        {
            var results = executor.Map(k => data[k] + k, Enumerable.Range(0, MemoryCalls)).ToList();
            if (results[7] != data[7] + 7)
            {
                throw new InvalidOperationException("The 50-call map returned wrong results.");
            }
            var folder = Path.Combine(root, "batch-pool-executor", executor.Name);
            stored = new[] { "values", "inputs" }.Select(f => Path.Combine(folder, f)).Where(Directory.Exists)
                .SelectMany(f => Directory.EnumerateFiles(f, "*", SearchOption.AllDirectories)).Sum(f => new FileInfo(f).Length);
        }
        var peak = MachineInfo.PeakRssMegabytes() ?? throw new PlatformNotSupportedException("No /proc/self/status VmHWM here.");
        backend.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(root, recursive: true);
        return new LargeCaptureMemoryRun(stored, baseline, peak, data.Length * (double)sizeof(double) / 1e6);
    }

    private static double Sum(double[] values) => values.Sum();
}
