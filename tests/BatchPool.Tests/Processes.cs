using System.Diagnostics;

namespace BatchPool.Tests;

/// <summary>What tests ask of processes they did not start themselves.</summary>
internal static class Processes
{
    /// <summary>Whether process <paramref name="pid"/> still runs.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
