using System.Diagnostics;
using System.Globalization;

namespace BatchPool.Cli.Commands;

/// <summary>
/// <c>batchpool doctor</c>: checks the configured backend end to end (engine reachable, worker image present, shared
/// folder writable from the nodes, runtime on the nodes, one trivial job run) and says how to fix each failed check.
/// </summary>
internal static class DoctorCommand
{
    private static readonly TimeSpan JobPatience = TimeSpan.FromMinutes(3);

    public static int Run(ToolRoot root, string? image, ToolOutput output)
    {
        var checks = new List<Check>();
        void Add(Check check)
        {
            checks.Add(check);
            if (!output.Json)
            {
                output.Out.WriteLine($"[{(check.Ok ? "ok" : "FAIL")}] {check.Name}: {check.Detail}");
                if (!check.Ok && check.Fix is not null)
                {
                    output.Out.WriteLine($"       fix: {check.Fix}");
                }
            }
        }
        output.Say($"Checking the {root.Backend} backend over '{root.Folder}' ({root.Source})");
        Add(FolderWritable(root));
        var engineOk = true;
        switch (root.Backend)
        {
            case "slurm":
                var sinfo = EngineJobs.Run("sinfo", ["--noheader", "--format=%P %a %D %t"], TimeSpan.FromSeconds(30));
                engineOk = sinfo.ExitCode == 0 && sinfo.Output.Trim().Length > 0;
                Add(new Check("Slurm reachable", engineOk, engineOk ? $"sinfo: {OneLine(sinfo.Output)}" : $"sinfo failed (exit code {sinfo.ExitCode}): {OneLine(sinfo.Output)}",
                    "install Slurm's client commands on this machine and check that slurmctld runs (scontrol ping)"));
                if (engineOk)
                {
                    var probe = Path.Combine(root.Folder, $".batchpool-doctor-{Environment.ProcessId}");
                    var touch = EngineJobs.Run("srun", ["--nodes=1", "--ntasks=1", "--time=2", "touch", probe], TimeSpan.FromMinutes(2));
                    var seen = File.Exists(probe);
                    File.Delete(probe);
                    Add(new Check("Shared folder writable from the nodes", seen, seen ? "a node wrote a file this machine sees" : $"srun touch: exit code {touch.ExitCode} {OneLine(touch.Output)}",
                        $"mount '{root.Folder}' at the same path on every node, writable by this user"));
                    var version = $"Microsoft.NETCore.App {Environment.Version.Major}.{Environment.Version.Minor}.";
                    var runtimes = EngineJobs.Run("srun", ["--nodes=1", "--ntasks=1", "--time=2", "dotnet", "--list-runtimes"], TimeSpan.FromMinutes(2));
                    var hasRuntime = runtimes.ExitCode == 0 && runtimes.Output.Contains(version, StringComparison.Ordinal);
                    Add(new Check($".NET {Environment.Version.Major}.{Environment.Version.Minor} runtime on the nodes", hasRuntime,
                        hasRuntime ? "dotnet --list-runtimes on a node lists it" : $"dotnet --list-runtimes on a node: exit code {runtimes.ExitCode} {OneLine(runtimes.Output)}",
                        $"install the .NET {Environment.Version.Major}.{Environment.Version.Minor} runtime on the nodes, or set BATCHPOOL_SLURM_DOTNET to its dotnet"));
                }
                break;
            case "docker":
                var versionCheck = EngineJobs.Run("docker", ["version", "--format", "{{.Server.Version}}"], TimeSpan.FromSeconds(30));
                engineOk = versionCheck.ExitCode == 0;
                Add(new Check("Docker engine reachable", engineOk, engineOk ? $"engine {OneLine(versionCheck.Output)}" : OneLine(versionCheck.Output),
                    "start the engine (dockerd), or point DOCKER_HOST at it; the user needs access to its socket"));
                var wanted = image ?? DockerBackend.DefaultImage;
                var inspect = EngineJobs.Run("docker", ["image", "inspect", "--format", "{{.Id}}", wanted], TimeSpan.FromSeconds(30));
                var present = engineOk && inspect.ExitCode == 0;
                Add(new Check("Worker image present", present, present ? wanted : $"'{wanted}' is not on the engine",
                    "build it: docker/build-worker-image.sh (no registry needed), or docker build -f docker/Dockerfile"));
                engineOk &= present;
                break;
            default:
                break;
        }
        if (engineOk)
        {
            Add(TrivialJob(root, image));
        }
        else
        {
            Add(new Check("One trivial job", false, "not tried: the checks above failed", "fix those first"));
        }
        var failed = checks.Count(c => !c.Ok);
        if (output.Json)
        {
            output.WriteJson(new { backend = root.Backend, folder = root.Folder, ok = failed == 0, checks });
        }
        else
        {
            output.Out.WriteLine(failed == 0 ? "Everything works." : $"{failed} check(s) failed.");
        }
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static Check FolderWritable(ToolRoot root)
    {
        try
        {
            Directory.CreateDirectory(root.Folder);
            var probe = Path.Combine(root.Folder, $".batchpool-doctor-{Environment.ProcessId}.tmp");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
            return new Check("Storage folder writable", true, root.Folder, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Check("Storage folder writable", false, $"{root.Folder}: {e.Message}", "create the folder and give this user write access, or name another with --root");
        }
    }

    private static Check TrivialJob(ToolRoot root, string? image)
    {
        var watch = Stopwatch.StartNew();
        var before = Environment.GetEnvironmentVariable(ToolRoot.BackendVariable);
        try
        {
            Environment.SetEnvironmentVariable(ToolRoot.BackendVariable, root.BackendSetting);
            using var bpe = new BatchPoolExecutor(name: $"batchpool-doctor-{Environment.ProcessId}", image: image);
            var where = bpe.Submit(DoctorJob.Where).Result(JobPatience);
            return new Check("One trivial job", true, string.Create(CultureInfo.InvariantCulture, $"ran on {where} in {watch.Elapsed.TotalSeconds:0.0} s"), null);
        }
#pragma warning disable CA1031 // Whatever failed is the check's finding.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new Check("One trivial job", false, $"{e.GetType().Name}: {OneLine(e.Message)}", "read the message above; `batchpool status` and `batchpool logs` show the executor's jobs");
        }
        finally
        {
            Environment.SetEnvironmentVariable(ToolRoot.BackendVariable, before);
        }
    }

    private static string OneLine(string text)
    {
        var line = string.Join(" / ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length > 300 ? line[..300] + "..." : line;
    }

    /// <summary>A check: its name, whether it passed, what was found, and how to fix it when it failed.</summary>
    internal sealed record Check(string Name, bool Ok, string Detail, string? Fix);
}

/// <summary>The doctor's job: a static method, so that nothing but this assembly is shipped for it.</summary>
internal static class DoctorJob
{
    public static string Where() => $"{Environment.MachineName} (.NET {Environment.Version})";
}
