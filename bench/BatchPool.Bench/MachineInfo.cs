using System.Globalization;
using System.Runtime.InteropServices;

namespace BatchPool.Bench;

/// <summary>The date and the machine, printed above the table.</summary>
internal static class MachineInfo
{
    public static string Describe()
    {
        var cpu = FirstValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memKb = FirstValue("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        var memory = long.TryParse(memKb, NumberStyles.None, CultureInfo.InvariantCulture, out var kb)
            ? string.Create(CultureInfo.InvariantCulture, $"{kb / 1024.0 / 1024.0:F1} GiB")
            : "unknown memory";
        return string.Create(CultureInfo.InvariantCulture,
            $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} cores (nproc), {cpu}, {memory}; " +
            $"{RuntimeInformation.OSDescription}; .NET {Environment.Version}");
    }

    /// <summary>
    /// Waits, up to <paramref name="limit"/>, until the machine's cores are at most 15 % busy over a quarter of a second,
    /// and says how long that took: what ran just before the bench (<c>dotnet run</c>'s build, its CLI's telemetry)
    /// otherwise shares the cores with the first workload for a few seconds.
    /// </summary>
    public static string WaitUntilIdle(TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var busy = double.NaN;
        while (File.Exists("/proc/stat"))
        {
            var before = CpuTimes();
            Thread.Sleep(250);
            var after = CpuTimes();
            busy = 1 - ((double)(after.Idle - before.Idle) / Math.Max(1, after.Total - before.Total));
            if (busy <= 0.15 || clock.Elapsed >= limit)
            {
                break;
            }
        }
        return double.IsNaN(busy)
            ? "idle wait skipped (no /proc/stat)"
            : string.Create(CultureInfo.InvariantCulture, $"waited {clock.Elapsed.TotalSeconds:F1} s for idle cores: {busy:P0} busy");
    }

    private static (long Idle, long Total) CpuTimes()
    {
        // The first line of /proc/stat: "cpu  user nice system idle iowait irq softirq steal ...", in clock ticks.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return (fields[3] + fields[4], fields.Take(8).Sum());
    }

    private static string? FirstValue(string file, string key)
    {
        if (!File.Exists(file))
        {
            return null;
        }
        foreach (var line in File.ReadLines(file))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == key)
            {
                return line[(colon + 1)..].Trim();
            }
        }
        return null;
    }

    /// <summary>The 1, 5 and 15-minute load averages: other work on the machine skews every figure.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? "load average " + string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "load average unknown";

    /// <summary>This process's peak resident set (VmHWM), in MB (10^6 bytes), or null off Linux.</summary>
    public static double? PeakRssMegabytes() => StatusMegabytes("VmHWM");

    /// <summary>This process's resident set now (VmRSS), in MB (10^6 bytes), or null off Linux.</summary>
    public static double? ResidentMegabytes() => StatusMegabytes("VmRSS");

    private static double? StatusMegabytes(string field)
    {
        var value = FirstValue("/proc/self/status", field)?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 / 1e6 : null;
    }
}
