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
    public static double? PeakRssMegabytes()
    {
        var value = FirstValue("/proc/self/status", "VmHWM")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 / 1e6 : null;
    }
}
