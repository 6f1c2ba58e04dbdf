using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using BatchPool.Status;
using BatchPool.Tests.Executor;

namespace BatchPool.Tests.Watch;

/// <summary>The <c>batchpool</c> tool, run as its own process against real executors' folders.</summary>
public sealed class ToolTests : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);
    private readonly TestBackend _backend = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private string Root => "local:" + _backend.Root;

    [Fact]
    public void Cancel_asks_the_running_client_whose_future_then_ends_cancelled()
    {
        using var bpe = new BatchPoolExecutor(name: "to-cancel", backend: _backend.Backend);
        var sleeping = bpe.Submit(() => { Thread.Sleep(Timeout.Infinite); return 0; });
        var other = bpe.Submit(() => 5);
        Assert.Equal(5, other.Result(Long));
        Assert.True(SpinWait.SpinUntil(() => sleeping.Running, Long));
        Assert.True(SpinWait.SpinUntil(() => File.Exists(Path.Combine(_backend.FolderOf(bpe), "status.json")), Long));
        var (code, output, errors) = Programs.RunTool(Root, "cancel", "to-cancel", "1", "--json");
        Assert.True(code == 0, output + errors);
        Assert.True(sleeping.Cancelled);
        Assert.Equal("client", JsonDocument.Parse(output).RootElement.GetProperty("how").GetString());
    }

    [Fact]
    public void Status_logs_and_clean_see_an_executor_whose_client_is_gone()
    {
        var folder = Path.Combine(_backend.Root, "batch-pool-executor", "crashed");
        Directory.CreateDirectory(Path.Combine(folder, "logs"));
        // A client that died without a last word: a process id that is not running.
        var status = StatusDocumentTests.Sample(DateTimeOffset.UtcNow.AddHours(-2), name: "crashed", pid: int.MaxValue - 1);
        File.WriteAllBytes(Path.Combine(folder, "status.json"), StatusReader.Serialize(status));
        File.WriteAllText(Path.Combine(folder, "logs", "anonymous-2-efgh.1.log"), "second call printed this\n");

        var listed = Programs.RunTool(Root, "status");
        Assert.Equal(0, listed.ExitCode);
        Assert.Matches(@"crashed\s+local\s+gone", listed.Output);

        var jobs = Programs.RunTool(Root, "status", "crashed");
        Assert.Equal(0, jobs.ExitCode);
        Assert.Contains("anonymous-2-efgh", jobs.Output, StringComparison.Ordinal);

        var logs = Programs.RunTool(Root, "logs", "crashed", "anonymous-2-efgh");
        Assert.Equal(0, logs.ExitCode);
        Assert.Contains("==> anonymous-2-efgh · call 1 <==", logs.Output, StringComparison.Ordinal);
        Assert.Contains("second call printed this", logs.Output, StringComparison.Ordinal);

        // Gone: cancel stops the jobs on the engine (nothing to do for local workers) and records it.
        var cancel = Programs.RunTool(Root, "cancel", "crashed");
        Assert.True(cancel.ExitCode == 0, cancel.Errors);
        Assert.Equal(0, StatusReader.Read(folder).Counts.Running);

        var recent = Programs.RunTool(Root, "clean", "--yes", "--older-than", "3h");
        Assert.Equal(0, recent.ExitCode);
        Assert.True(Directory.Exists(folder));
        var unasked = Programs.RunTool(Root, "clean");
        Assert.Equal(1, unasked.ExitCode);
        Assert.Contains("--yes", unasked.Errors, StringComparison.Ordinal);
        Assert.True(Directory.Exists(folder));
        var clean = Programs.RunTool(Root, "clean", "--yes", "--json");
        Assert.Equal(0, clean.ExitCode);
        Assert.Equal(["crashed"], JsonDocument.Parse(clean.Output).RootElement.GetProperty("removed").EnumerateArray().Select(e => e.GetString()));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Bad_input_is_a_clear_message_and_an_exit_code_never_a_stack_trace()
    {
        var missing = Programs.RunTool("local:/nonexistent/batchpool-" + Guid.NewGuid().ToString("N"), "status");
        AssertClear(missing, 3, "does not exist");

        Directory.CreateDirectory(_backend.Root);
        AssertClear(Programs.RunTool(Root, "status"), 3, "No executors under");

        var folder = Path.Combine(_backend.Root, "batch-pool-executor", "half");
        Directory.CreateDirectory(folder);
        var whole = StatusReader.Serialize(StatusDocumentTests.Sample(DateTimeOffset.UtcNow, name: "half"));
        File.WriteAllBytes(Path.Combine(folder, "status.json"), whole[..(whole.Length / 2)]);
        AssertClear(Programs.RunTool(Root, "status"), 4, "not a whole JSON document");
        AssertClear(Programs.RunTool(Root, "logs", "half"), 4, "not a whole JSON document");
        AssertClear(Programs.RunTool(Root, "logs", "nobody"), 3, "No executor 'nobody'");

        File.WriteAllText(Path.Combine(folder, "status.json"), """{"schema":99}""");
        AssertClear(Programs.RunTool(Root, "status", "half"), 4, "schema 99, newer");

        File.WriteAllBytes(Path.Combine(folder, "status.json"), whole);
        AssertClear(Programs.RunTool(Root, "logs", "half", "no-such-job"), 3, "has no job 'no-such-job'");
        AssertClear(Programs.RunTool(Root, "status", "--bogus-option", "x", "y"), 2, "batchpool:");
        AssertClear(Programs.RunTool("slurm", "status"), 2, "no default folder");

        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        AssertClear(Programs.RunTool(Root, "dashboard", "--port", port), 5, $"127.0.0.1:{port}");
    }

    /// <summary>Every command that reads the root, on a root that does not exist and on one that holds no executors.</summary>
    [Fact]
    public void A_root_that_does_not_exist_or_holds_no_executors_fails_every_command_that_reads_it()
    {
        string[][] commands = [["status"], ["status", "nightly"], ["logs", "nightly"], ["cancel", "nightly"], ["clean", "--yes"], ["dashboard", "--port", "0"]];
        var missing = "local:" + Path.Combine(_backend.Root, "not-there");
        foreach (var command in commands)
        {
            AssertClear(Programs.RunTool(missing, command), 3, "does not exist");
        }

        Directory.CreateDirectory(Path.Combine(_backend.Root, "batch-pool-executor"));
        foreach (var command in commands.Where(c => c[0] != "dashboard"))
        {
            AssertClear(Programs.RunTool(Root, command), 3, command.Length > 1 && command[1] == "nightly" ? "No executor 'nightly'" : "No executors under");
        }
    }

    /// <summary>A name that matches no executor, for every command that takes one: the names there are are listed.</summary>
    [Fact]
    public void A_name_that_matches_none_is_refused_naming_those_there_are()
    {
        WriteStatus("crashed", StatusDocumentTests.Sample(DateTimeOffset.UtcNow, name: "crashed", pid: int.MaxValue - 1));
        foreach (var command in new[] { "status", "logs", "cancel" })
        {
            AssertClear(Programs.RunTool(Root, command, "nobody"), 3, "No executor 'nobody'");
            Assert.Contains("there are: crashed", Programs.RunTool(Root, command, "nobody").Errors, StringComparison.Ordinal);
        }
        AssertClear(Programs.RunTool(Root, "cancel", "crashed", "no-such-job"), 3, "has no job 'no-such-job'");
    }

    /// <summary>A status document cut short, or of a newer schema, for every command that reads one.</summary>
    [Fact]
    public void A_half_written_or_newer_status_document_is_unreadable_for_every_command()
    {
        var whole = StatusReader.Serialize(StatusDocumentTests.Sample(DateTimeOffset.UtcNow.AddHours(-1), name: "odd", pid: int.MaxValue - 1));
        foreach (var (content, message) in new[] { (whole[..(whole.Length / 2)], "not a whole JSON document"), ("""{"schema":99}"""u8.ToArray(), "schema 99, newer") })
        {
            var folder = WriteStatus("odd", content);
            AssertClear(Programs.RunTool(Root, "status"), 4, message);
            AssertClear(Programs.RunTool(Root, "status", "odd"), 4, message);
            AssertClear(Programs.RunTool(Root, "logs", "odd"), 4, message);
            AssertClear(Programs.RunTool(Root, "cancel", "odd"), 4, message);
            // Its client is gone, but whether it is cannot be read: clean leaves it.
            AssertClear(Programs.RunTool(Root, "clean", "--yes"), 4, "not cleaning 'odd': ");
            Assert.True(File.Exists(Path.Combine(folder, "status.json")));
        }
    }

    [Fact]
    public void Help_names_the_command_batchpool()
    {
        var (code, output, _) = Programs.RunTool(Root, "--help");
        Assert.Equal(0, code);
        Assert.Matches(@"Usage:\s+batchpool \[command\] \[options\]", output);
        Assert.DoesNotContain("BatchPool.Cli", output, StringComparison.Ordinal);
        var status = Programs.RunTool(Root, "status", "--help");
        Assert.Matches(@"Usage:\s+batchpool status \[<NAME>\] \[options\]", status.Output);
    }

    [Fact]
    public void Every_command_has_help()
    {
        foreach (var command in new[] { "status", "logs", "cancel", "clean", "doctor", "dashboard" })
        {
            var (code, output, _) = Programs.RunTool(Root, command, "--help");
            Assert.Equal(0, code);
            Assert.Contains("--json", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Doctor_checks_the_local_backend_with_one_job()
    {
        var (code, output, errors) = Programs.RunTool(Root, "doctor", "--json");
        Assert.True(code == 0, output + errors);
        var checks = JsonDocument.Parse(output).RootElement.GetProperty("checks").EnumerateArray().ToList();
        Assert.All(checks, check => Assert.True(check.GetProperty("ok").GetBoolean()));
        Assert.Contains(checks, check => check.GetProperty("name").GetString() == "One trivial job" && check.GetProperty("detail").GetString()!.StartsWith("ran on", StringComparison.Ordinal));
    }

    /// <summary>Writes <paramref name="content"/> as executor <paramref name="name"/>'s status document; returns its folder.</summary>
    private string WriteStatus(string name, byte[] content)
    {
        var folder = Path.Combine(_backend.Root, "batch-pool-executor", name);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "status.json"), content);
        return folder;
    }

    private string WriteStatus(string name, ExecutorStatus status) => WriteStatus(name, StatusReader.Serialize(status));

    private static void AssertClear((int ExitCode, string Output, string Errors) run, int exitCode, string message)
    {
        Assert.True(run.ExitCode == exitCode, $"exit code {run.ExitCode}, not {exitCode}: {run.Output} {run.Errors}");
        Assert.Contains(message, run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.Errors, StringComparison.Ordinal);
    }
}
