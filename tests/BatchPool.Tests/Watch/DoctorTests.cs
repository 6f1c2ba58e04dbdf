using System.Text.Json;
using BatchPool.Tests.Docker;

namespace BatchPool.Tests.Watch;

/// <summary>
/// <c>batchpool doctor</c> on the real engines: it passes where everything works, and a check that fails says what is
/// wrong and how to fix it, with exit code 1 (text and <c>--json</c>); the trivial job is then not tried.
/// </summary>
public abstract class DoctorTests : IDisposable
{
    protected DoctorTests()
    {
        Folder = Path.Combine(Path.GetTempPath(), "batchpool-tests", "doctor-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Folder);
    }

    /// <summary>The storage folder the doctor checks (this machine's /tmp, which the Slurm test cluster's nodes share).</summary>
    protected string Folder { get; }

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The checks of <c>doctor --json</c>'s document, by name, after asserting the document's own verdict.</summary>
    protected static Dictionary<string, JsonElement> Checks((int ExitCode, string Output, string Errors) run, bool ok)
    {
        Assert.True(run.ExitCode == (ok ? 0 : 1), $"exit code {run.ExitCode}: {run.Output} {run.Errors}");
        var document = JsonDocument.Parse(run.Output).RootElement;
        Assert.Equal(ok, document.GetProperty("ok").GetBoolean());
        AssertNoStackTrace(run);
        return document.GetProperty("checks").EnumerateArray().ToDictionary(check => check.GetProperty("name").GetString()!, check => check);
    }

    /// <summary>Asserts that <paramref name="check"/> failed saying how to fix it, its fix containing <paramref name="fix"/>.</summary>
    protected static void AssertFailedWithFix(JsonElement check, string fix)
    {
        Assert.False(check.GetProperty("ok").GetBoolean(), check.ToString());
        Assert.Contains(fix, check.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Asserts that every check passed and the trivial job ran on <paramref name="where"/>'s kind of place.</summary>
    protected static void AssertAllPassed(Dictionary<string, JsonElement> checks, string where)
    {
        Assert.All(checks.Values, check => Assert.True(check.GetProperty("ok").GetBoolean(), check.ToString()));
        Assert.Matches(where, checks["One trivial job"].GetProperty("detail").GetString());
    }

    protected static void AssertNotTried(Dictionary<string, JsonElement> checks)
    {
        Assert.False(checks["One trivial job"].GetProperty("ok").GetBoolean());
        Assert.StartsWith("not tried", checks["One trivial job"].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    protected static void AssertNoStackTrace((int ExitCode, string Output, string Errors) run)
    {
        Assert.DoesNotContain("   at ", run.Output + run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.Output + run.Errors, StringComparison.Ordinal);
    }
}

/// <summary>The doctor on the Slurm test cluster.</summary>
[Collection("Slurm")]
public sealed class DoctorOnSlurm : DoctorTests
{
    [Fact]
    public void Passes_on_the_cluster_and_runs_the_trivial_job_on_a_node()
    {
        var checks = Checks(Programs.RunTool($"slurm:{Folder}", "doctor", "--json"), ok: true);
        Assert.Equal(["Storage folder writable", "Slurm reachable", "Shared folder writable from the nodes", $".NET {Environment.Version.Major}.{Environment.Version.Minor} runtime on the nodes", "One trivial job"], checks.Keys);
        AssertAllPassed(checks, @"^ran on node[12] ");
    }

    /// <summary>
    /// A folder the nodes do not see: the tool runs in a mount namespace of its own where the folder is a tmpfs, as on a
    /// client whose folder is local to it; the nodes see the machine's folder, which does not hold it.
    /// </summary>
    [Fact]
    public void A_folder_the_nodes_cannot_see_fails_saying_to_share_it()
    {
        const string Script = "mount -t tmpfs batchpool-doctor \"$1\" && mkdir \"$1/private\" && shift && exec \"$@\"";
        (int ExitCode, string Output, string Errors) Doctor(params string[] arguments) => Programs.RunToEnd(Programs.StartProgram(
            "unshare", ["--mount", "--propagation", "private", "sh", "-c", Script, "sh", Folder, "dotnet", Programs.Tool, "--root", $"slurm:{Folder}/private", "doctor", .. arguments],
            Programs.ToolEnvironment));

        var checks = Checks(Doctor("--json"), ok: false);
        Assert.True(checks["Storage folder writable"].GetProperty("ok").GetBoolean());
        Assert.True(checks["Slurm reachable"].GetProperty("ok").GetBoolean());
        var shared = checks["Shared folder writable from the nodes"];
        AssertFailedWithFix(shared, $"mount '{Folder}/private' at the same path on every node");
        Assert.StartsWith("a job on a node could not write into it", shared.GetProperty("detail").GetString(), StringComparison.Ordinal);
        AssertNotTried(checks);

        var text = Doctor();
        Assert.Equal(1, text.ExitCode);
        Assert.Contains("[FAIL] Shared folder writable from the nodes", text.Output, StringComparison.Ordinal);
        Assert.Contains($"fix: mount '{Folder}/private'", text.Output, StringComparison.Ordinal);
        AssertNoStackTrace(text);
    }

    [Fact]
    public void A_bad_Slurm_setting_fails_naming_it()
    {
        var run = Programs.RunToEnd(Programs.Start(Programs.Tool,
            new Dictionary<string, string?>(Programs.ToolEnvironment) { ["BATCHPOOL_SLURM_TIME_LIMIT"] = "soon" },
            "--root", $"slurm:{Folder}", "doctor", "--json"));
        var checks = Checks(run, ok: false);
        var settings = checks["Slurm settings"];
        AssertFailedWithFix(settings, "correct the setting");
        Assert.Contains("BATCHPOOL_SLURM_TIME_LIMIT", settings.GetProperty("detail").GetString(), StringComparison.Ordinal);
        AssertNotTried(checks);
    }

    [Fact]
    public void A_dotnet_the_nodes_do_not_have_fails_naming_the_setting()
    {
        var run = Programs.RunToEnd(Programs.Start(Programs.Tool,
            new Dictionary<string, string?>(Programs.ToolEnvironment) { ["BATCHPOOL_SLURM_DOTNET_PATH"] = "/opt/no-such-dotnet/dotnet" },
            "--root", $"slurm:{Folder}", "doctor", "--json"));
        var checks = Checks(run, ok: false);
        var runtime = checks[$".NET {Environment.Version.Major}.{Environment.Version.Minor} runtime on the nodes"];
        AssertFailedWithFix(runtime, "BATCHPOOL_SLURM_DOTNET_PATH");
        Assert.Contains("/opt/no-such-dotnet/dotnet", runtime.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(checks["Shared folder writable from the nodes"].GetProperty("ok").GetBoolean());
        AssertNotTried(checks);
    }
}

/// <summary>The doctor on the Docker engine.</summary>
[Collection(DockerCollection.Name)]
public sealed class DoctorOnDocker : DoctorTests
{
    [Fact]
    public void Passes_on_the_engine_and_runs_the_trivial_job_in_a_container()
    {
        var checks = Checks(Programs.RunTool($"docker:{Folder}", "doctor", "--json"), ok: true);
        Assert.Equal(["Storage folder writable", "Docker engine reachable", "Worker image present", "One trivial job"], checks.Keys);
        Assert.Equal(DockerBackend.DefaultImage, checks["Worker image present"].GetProperty("detail").GetString());
        // A container's host name: its id's first 12 hex digits.
        AssertAllPassed(checks, "^ran on [0-9a-f]{12} ");
    }

    [Fact]
    public void A_worker_image_that_does_not_exist_fails_saying_how_to_get_it()
    {
        const string Missing = "batchpool-tests/no-such-image:0";
        var checks = Checks(Programs.RunTool($"docker:{Folder}", "doctor", "--image", Missing, "--json"), ok: false);
        Assert.True(checks["Docker engine reachable"].GetProperty("ok").GetBoolean());
        AssertFailedWithFix(checks["Worker image present"], $"docker pull {Missing}");
        AssertNotTried(checks);

        var text = Programs.RunTool($"docker:{Folder}", "doctor", "--image", Missing);
        Assert.Equal(1, text.ExitCode);
        Assert.Contains($"[FAIL] Worker image present: '{Missing}' is not on the engine", text.Output, StringComparison.Ordinal);
        Assert.Contains($"fix: pull it (docker pull {Missing})", text.Output, StringComparison.Ordinal);
        AssertNoStackTrace(text);
    }
}
