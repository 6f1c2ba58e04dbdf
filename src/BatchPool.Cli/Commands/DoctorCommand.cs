using System.Diagnostics;
using System.Globalization;
using BatchPool.Configuration;
using BatchPool.FateSharing;

namespace BatchPool.Cli.Commands;

/// <summary>
/// <c>batchpool doctor</c>: checks the configured backend end to end (engine reachable, worker image present, shared
/// folder writable from the nodes, runtime on the nodes, one trivial job run) and says how to fix each failed check.
/// </summary>
internal static class DoctorCommand
{
    private static readonly TimeSpan JobPatience = TimeSpan.FromMinutes(3);

    /// <summary>How long a Slurm probe job may take, queued and run.</summary>
    private static readonly TimeSpan JobWait = TimeSpan.FromMinutes(2);

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
        var folder = FolderWritable(root);
        Add(folder);
        // A failed check that every job would fail on too: the trivial job is not tried.
        var engineOk = folder.Ok;
        switch (root.Backend)
        {
            case "slurm":
                engineOk &= CheckSlurm(root, Add);
                break;
            case "docker":
                var versionCheck = EngineJobs.Run("docker", ["version", "--format", "{{.Server.Version}}"], TimeSpan.FromSeconds(30));
                var reachable = versionCheck.ExitCode == 0;
                Add(new Check("Docker engine reachable", reachable, reachable ? $"engine {OneLine(versionCheck.Output)}" : OneLine(versionCheck.Output),
                    "start the engine (dockerd), or point DOCKER_HOST at it; the user needs access to its socket"));
                var wanted = image ?? DockerBackend.DefaultImage;
                var inspect = EngineJobs.Run("docker", ["image", "inspect", "--format", "{{.Id}}", wanted], TimeSpan.FromSeconds(30));
                var present = reachable && inspect.ExitCode == 0;
                Add(new Check("Worker image present", present, present ? wanted : $"'{wanted}' is not on the engine",
                    wanted == DockerBackend.DefaultImage
                        ? "build it on this machine: docker/build-worker-image.sh in BatchPool's repository (no registry needed), or docker build -f docker/Dockerfile"
                        : $"pull it (docker pull {wanted}) or build it; it needs the .NET {Environment.Version.Major}.{Environment.Version.Minor} runtime on its PATH. Without --image the doctor checks BatchPool's own image"));
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

    /// <summary>
    /// The Slurm checks, with the backend's own settings (<c>BATCHPOOL_SLURM_*</c>: partition, account, qos, dotnet, Slurm's
    /// folder) as its jobs will use them; false when a check failed that a job would fail on too.
    /// </summary>
    private static bool CheckSlurm(ToolRoot root, Action<Check> add)
    {
        SlurmBackend slurm;
        try
        {
            slurm = (SlurmBackend)BackendSelection.Create(name => name == ToolRoot.BackendVariable ? root.BackendSetting : Environment.GetEnvironmentVariable(name))!;
        }
        catch (BatchPoolSettingException e)
        {
            add(new Check("Slurm settings", false, OneLine(e.Message), "correct the setting the message names, or remove it for its default"));
            return false;
        }
        try
        {
            return CheckSlurm(root, slurm, add);
        }
        finally
        {
            // Made only to read its settings: it started nothing.
            slurm.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static bool CheckSlurm(ToolRoot root, SlurmBackend slurm, Action<Check> add)
    {
        string Command(string name) => slurm.SlurmBinFolder is { } folder ? Path.Combine(folder, name) : name;

        var sinfo = EngineJobs.Run(Command("sinfo"), ["--noheader", "--format=%P %a %D %t"], TimeSpan.FromSeconds(30));
        var reachable = sinfo.ExitCode == 0 && sinfo.Output.Trim().Length > 0;
        add(new Check("Slurm reachable", reachable, reachable ? $"sinfo: {OneLine(sinfo.Output)}" : $"sinfo failed (exit code {sinfo.ExitCode}): {OneLine(sinfo.Output)}",
            "install Slurm's client commands on this machine (or set BATCHPOOL_SLURM_SLURM_BIN_FOLDER) and check that slurmctld runs (scontrol ping)"));
        if (!reachable)
        {
            return false;
        }

        // Each probe is a batch job as the backend's are (sbatch, not srun: a node need not reach this machine), waited for.
        var name = $"batchpool-doctor-{Environment.ProcessId}";
        (int ExitCode, string Output) Job(string script, string output)
        {
            List<string> arguments = ["--wait", $"--job-name={name}", "--nodes=1", "--ntasks=1", "--time=2", "--chdir=/", $"--output={output}"];
            arguments.AddRange(slurm.Partition is { } partition ? [$"--partition={partition}"] : []);
            arguments.AddRange(slurm.Account is { } account ? [$"--account={account}"] : []);
            arguments.AddRange(slurm.Qos is { } qos ? [$"--qos={qos}"] : []);
            var run = EngineJobs.Run(Command("sbatch"), [.. arguments, $"--wrap={script}"], JobWait);
            if (run.ExitCode == EngineJobs.TimedOut)
            {
                EngineJobs.Run(Command("scancel"), [$"--name={name}"], TimeSpan.FromSeconds(30));
            }
            return run;
        }

        var probe = Path.Combine(root.Folder, $".batchpool-doctor-{Environment.ProcessId}");
        var touch = Job($"touch {ProgramEndWatcher.Quote(probe)}", "/dev/null");
        var seen = File.Exists(probe);
        File.Delete(probe);
        add(new Check("Shared folder writable from the nodes", seen,
            seen ? "a job on a node wrote a file this machine sees"
                : touch.ExitCode == 0 ? "a job on a node wrote a file this machine does not see: the folder is not shared"
                : $"a job on a node could not write into it (sbatch --wait: exit code {touch.ExitCode}) {OneLine(touch.Output)}",
            $"mount '{root.Folder}' at the same path on every node, writable by this user, or name a folder that is (slurm:/shared/folder)"));
        var runtimeCheck = $".NET {Environment.Version.Major}.{Environment.Version.Minor} runtime on the nodes";
        if (!seen)
        {
            add(new Check(runtimeCheck, false, "not tried: its job writes what it finds into the shared folder", "fix the shared folder first"));
            return false;
        }

        var version = $"Microsoft.NETCore.App {Environment.Version.Major}.{Environment.Version.Minor}.";
        var listing = probe + ".runtimes";
        var runtimes = Job($"{ProgramEndWatcher.Quote(slurm.DotnetPath)} --list-runtimes", listing);
        var found = File.Exists(listing) ? File.ReadAllText(listing) : "";
        File.Delete(listing);
        var hasRuntime = runtimes.ExitCode == 0 && found.Contains(version, StringComparison.Ordinal);
        add(new Check(runtimeCheck, hasRuntime,
            hasRuntime ? $"{slurm.DotnetPath} --list-runtimes on a node lists it" : $"{slurm.DotnetPath} --list-runtimes on a node (exit code {runtimes.ExitCode}): {OneLine(found)}",
            $"install the .NET {Environment.Version.Major}.{Environment.Version.Minor} runtime on the nodes, or set BATCHPOOL_SLURM_DOTNET_PATH to its dotnet"));
        return hasRuntime;
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
