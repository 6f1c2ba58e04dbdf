namespace BatchPool.Bench.Workloads;

/// <summary>Workload 6's figures: the Map run and the client process's peak resident set.</summary>
internal sealed record MemoryRun(MapRun Map, double PeakRssMegabytes);

/// <summary>Workload 6: 100,000 trivial calls with chunksize 1,000, run in a child process whose peak RSS is the figure.</summary>
internal static class MemoryWorkload
{
    public const int Calls = 100_000;

    public const int Chunksize = 1_000;

    /// <summary>The child's side: run the map, then read this process's VmHWM.</summary>
    public static MemoryRun RunHere()
    {
        var map = MapWorkload.Run(Calls, Chunksize);
        var peak = MachineInfo.PeakRssMegabytes() ?? throw new PlatformNotSupportedException("No /proc/self/status VmHWM here.");
        return new MemoryRun(map, peak);
    }
}
