using System.Diagnostics;
using System.Globalization;

namespace BatchPool.Bench.Workloads;

/// <summary>
/// The 80 MB argument through a storage, as measured in its own client process: there and a sum back
/// (<c>Submit(d => d.Sum(), data)</c>), and there and back (<c>Submit(d => d, data)</c>); seconds, and the client's peak
/// resident set above its baseline, in MB.
/// </summary>
internal sealed record StorageRoundTrip(string Storage, double BaselineMegabytes, double ThereSeconds, double ThereAboveMegabytes, double BackSeconds, double BackAboveMegabytes);

/// <summary>
/// The storage benchmark (issue 22). (1) An 80 MB argument (a <c>double[10_000_000]</c>) on the local backend, its
/// payloads through storage (a folder, each bucket), each storage in a new client process: there with a sum back, and there
/// and back; the time, and the client's peak resident set above its baseline (the argument built and one small job run;
/// the peak reset through <c>/proc/self/clear_refs</c> before each). (2) A Docker map of
/// 200 trivial jobs (chunksize 1, 2 containers at a time, a container per job, start and shutdown included) with the
/// first bucket against the bind-mounted folder.
/// </summary>
internal static class StorageWorkload
{
    public const int Elements = 10_000_000;

    public static void Run(IReadOnlyList<string> buckets, TextWriter output)
    {
        output.WriteLine("Storage benchmark (issue 22): an 80 MB argument (double[10_000_000]) on the local backend, payloads through storage");
        output.WriteLine("storage | client baseline MB | there, sum back: s | above baseline MB | there and back: s | above baseline MB");
        foreach (var storage in new[] { "folder" }.Concat(buckets))
        {
            var run = ChildProcess.Run<StorageRoundTrip>(["--storage-roundtrip", storage], $"the round trip through {storage}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Describe(storage)} | {run.BaselineMegabytes:F0} | {run.ThereSeconds:F2} | {run.ThereAboveMegabytes:F0} | {run.BackSeconds:F2} | {run.BackAboveMegabytes:F0}"));
        }
        if (buckets.Count == 0)
        {
            return;
        }
        output.WriteLine();
        output.WriteLine($"Docker map of {DockerMapWorkload.Calls} jobs, chunksize 1, {DockerMapWorkload.Parallel} containers at a time, a container per job");
        var folder = DockerMap(null);
        var bucket = DockerMap(buckets[0]);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bind-mounted folder | {folder:F1} s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Describe(buckets[0])} | {bucket:F1} s | {bucket / folder:F2}x the folder's (target: at most 1.5x)"));
    }

    /// <summary>The child's side: one round trip through <paramref name="storage"/> ("folder", or a bucket's address).</summary>
    public static StorageRoundTrip RoundTripHere(string storage)
    {
        var data = new double[Elements];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = i * 0.5;
        }
        var root = storage == "folder" ? Path.Combine(Path.GetTempPath(), "batchpool-bench-storage") : storage;
        using var executor = new BatchPoolExecutor(backend: new LocalBackend(root, maxParallelJobs: 1) { PayloadsThroughStorage = true });
        // Warm: the worker started, the code shipped, the codec compiled.
        if (executor.Submit((double[] d) => d.Length, new double[1000]).Result() != 1000)
        {
            throw new InvalidOperationException("The warm-up job returned a wrong result.");
        }
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var baseline = Resident("VmRSS");
        var (thereSeconds, therePeak) = Measure(() =>
        {
            if (executor.Submit((double[] d) => d.Sum(), data).Result(TimeSpan.FromMinutes(10)) != data.Sum())
            {
                throw new InvalidOperationException("The job returned a wrong sum.");
            }
        });
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var (backSeconds, backPeak) = Measure(() =>
        {
            var back = executor.Submit((double[] d) => d, data).Result(TimeSpan.FromMinutes(10));
            if (back.Length != data.Length || back[^1] != data[^1])
            {
                throw new InvalidOperationException("The round trip returned a wrong array.");
            }
        });
        return new StorageRoundTrip(storage, baseline, thereSeconds, therePeak - baseline, backSeconds, backPeak - baseline);
    }

    /// <summary>Seconds <paramref name="run"/> takes, and the peak resident set meanwhile (VmHWM, reset just before: Linux 4.0+).</summary>
    private static (double Seconds, double PeakMegabytes) Measure(Action run)
    {
        File.WriteAllText("/proc/self/clear_refs", "5");
        var clock = Stopwatch.StartNew();
        run();
        return (clock.Elapsed.TotalSeconds, Resident("VmHWM"));
    }

    private static double DockerMap(string? storage)
    {
        var clock = Stopwatch.StartNew();
        var backend = new DockerBackend(storage, maxParallelJobs: DockerMapWorkload.Parallel);
        try
        {
            using var executor = new BatchPoolExecutor(new BatchPoolExecutorOptions
            {
                Backend = backend,
                PassEnvironment = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AZURE_STORAGE_CONNECTION_STRING"],
            });
            var results = executor.Map((int x) => x * 3, Enumerable.Range(0, DockerMapWorkload.Calls), BenchExecutor.ResultTimeout, 1).ToList();
            if (!results.SequenceEqual(Enumerable.Range(0, DockerMapWorkload.Calls).Select(x => x * 3)))
            {
                throw new InvalidOperationException("Map on Docker returned wrong results.");
            }
        }
        finally
        {
            backend.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return clock.Elapsed.TotalSeconds;
    }

    private static string Describe(string storage) => storage.Split('?')[0];

    /// <summary>A line of /proc/self/status, in MB (10^6 bytes).</summary>
    private static double Resident(string key)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024 / 1e6;
    }
}
