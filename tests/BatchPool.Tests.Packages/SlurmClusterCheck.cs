using System.Diagnostics;

namespace BatchPool.Tests.Packages;

/// <summary>The Slurm test cluster (ci/slurm/start.sh) must be running: a Slurm test fails, never skips, without it.</summary>
public static class SlurmClusterCheck
{
    public static void AssertRunning()
    {
        var start = new ProcessStartInfo("sinfo", "--noheader --Node --format=%N") { RedirectStandardOutput = true, RedirectStandardError = true };
        string output;
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            output = process.StandardOutput.ReadToEnd() + error.Result;
            process.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            output = $"sinfo: {e.Message}";
        }
        Assert.True(output.Contains("node1", StringComparison.Ordinal) && output.Contains("node2", StringComparison.Ordinal),
            $"The Slurm test cluster is not running (sinfo: {output.Trim()}). Start it with ci/slurm/start.sh.");
    }
}
