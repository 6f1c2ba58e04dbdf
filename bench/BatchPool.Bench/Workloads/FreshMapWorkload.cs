using System.Globalization;

namespace BatchPool.Bench.Workloads;

/// <summary>
/// Workload 1 in a fresh client process: its map's spans, and the seconds from the process's start (as the kernel
/// recorded it, <c>/proc/self/stat</c>) to <c>Main</c> and to the map's last result and shutdown. The parent adds the
/// seconds from its spawn to the child's exit.
/// </summary>
internal sealed record FreshMapRun(MapRun Map, double BeforeMain, double SinceStart)
{
    public double SpawnToExit { get; init; }
}

/// <summary>Workload 1 (<see cref="MapWorkload"/>, 10,000 calls, chunksize 1) run as the first thing a new process does.</summary>
internal static class FreshMapWorkload
{
    public const int Calls = 10_000;

    /// <summary>The child's side; <paramref name="beforeMain"/> is what <see cref="SecondsSinceProcessStart"/> read first thing in Main.</summary>
    public static FreshMapRun RunHere(double beforeMain)
    {
        var map = MapWorkload.Run(Calls, 1);
        return new FreshMapRun(map, beforeMain, SecondsSinceProcessStart());
    }

    /// <summary>
    /// Seconds since the kernel started this process: <c>/proc/uptime</c> now less field 22 of <c>/proc/self/stat</c>
    /// (both since boot, to 10 ms).
    /// </summary>
    public static double SecondsSinceProcessStart()
    {
        var uptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture);
        var stat = File.ReadAllText("/proc/self/stat");
        // Fields after the command's closing parenthesis; starttime is field 22, the 20th after it.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var startTicks = long.Parse(fields[19], CultureInfo.InvariantCulture);
        return uptime - (startTicks / 100.0); // USER_HZ is 100 on Linux
    }
}
