// Workload 1 (10,000 trivial calls, chunksize 1, executor start and shutdown included), MAPS times in one process: one
// line per map with its wall time, the client's CPU time and the bytes it allocated per job. The first map is the
// fresh program's. See run.sh.
using System.Diagnostics;
using System.Globalization;
using BatchPool;
using BatchPool.Backends;

var maps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4;
using var self = Process.GetCurrentProcess();
for (var map = 0; map < maps; map++)
{
    self.Refresh();
    var cpuBefore = self.TotalProcessorTime;
    var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    var clock = Stopwatch.StartNew();
    long sum = 0;
    using (var executor = new BatchPoolExecutor(backend: new LocalBackend(maxParallelJobs: 2)))
    {
        foreach (var value in executor.Map((int x) => x * 3, Enumerable.Range(0, 10_000)))
        {
            sum += value;
        }
    }
    var wall = clock.Elapsed.TotalMilliseconds;
    self.Refresh();
    var cpu = (self.TotalProcessorTime - cpuBefore).TotalMilliseconds;
    var allocatedPerJob = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 10_000.0;
    if (sum != 3L * 10_000 * 9_999 / 2)
    {
        throw new InvalidOperationException($"wrong sum {sum}");
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"map {map}: wall {wall:F0} ms, client cpu {cpu:F0} ms, {allocatedPerJob:F0} B/job"));
}
