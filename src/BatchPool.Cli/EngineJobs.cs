using System.Diagnostics;
using BatchPool.Status;

namespace BatchPool.Cli;

/// <summary>
/// Stops an executor's jobs on its engine itself, for a client that is gone: <c>scancel</c> on Slurm, removing the
/// containers on Docker. Local workers need nothing: they exit with their client.
/// </summary>
internal static class EngineJobs
{
    /// <summary>Stops <paramref name="jobs"/> of <paramref name="status"/>; returns what was done, for people.</summary>
    public static string Stop(ExecutorStatus status, IReadOnlyList<JobStatus> jobs, bool everyJob)
    {
        switch (status.Backend)
        {
            case "slurm":
                var ids = jobs.Where(j => j.EngineId is not null).Select(j => j.EngineId!.Split('#')[0]).Distinct().ToList();
                if (ids.Count == 0)
                {
                    return "no Slurm job to cancel";
                }
                var (code, output) = Run("scancel", ids);
                return code == 0 ? $"scancel {string.Join(' ', ids)}" : throw new ToolException(ExitCodes.Failed, $"scancel failed (exit code {code}): {output.Trim()}");
            case "docker":
                var filter = everyJob ? $"label=batchpool.executor={status.Name}" : null;
                var containers = new List<string>();
                if (filter is not null)
                {
                    containers.AddRange(Containers(filter));
                }
                else
                {
                    foreach (var job in jobs)
                    {
                        containers.AddRange(Containers($"label=batchpool.job={status.Name}-{job.Call}"));
                    }
                }
                if (containers.Count == 0)
                {
                    return "no container left";
                }
                var (removed, error) = Run("docker", ["rm", "--force", .. containers]);
                return removed == 0 ? $"removed {containers.Count} container(s)" : throw new ToolException(ExitCodes.Failed, $"docker rm failed (exit code {removed}): {error.Trim()}");
            default:
                return "nothing to stop on the engine (local workers exit with their client)";
        }
    }

    private static IEnumerable<string> Containers(string filter)
    {
        var (code, output) = Run("docker", ["ps", "--all", "--quiet", "--filter", filter]);
        if (code != 0)
        {
            throw new ToolException(ExitCodes.Failed, $"docker ps failed (exit code {code}): {output.Trim()}. Is the Docker engine running (DOCKER_HOST)?");
        }
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>The exit code <see cref="Run"/> gives a command it stopped at its time limit (timeout(1)'s).</summary>
    public const int TimedOut = 124;

    /// <summary>Runs a command; its exit code and its output and errors together. A missing command is a tool error.</summary>
    public static (int ExitCode, string Output) Run(string command, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, $"{command}: {e.Message}");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                return (TimedOut, $"{command} did not finish within {(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds} s");
            }
            return (process.ExitCode, output.GetAwaiter().GetResult() + errors.GetAwaiter().GetResult());
        }
    }
}
