using System.Text.Json;
using BatchPool.Tests.Watch;

namespace BatchPool.Tests.Packages;

/// <summary>
/// The watch scenario, as a user lives it, from the packed packages: a console app that references BatchPool (and
/// BatchPool.Slurm, BatchPool.Docker) from the feed runs executor <c>nightly</c> (cleanupBucket: false), mapping 6 calls
/// that print a line and sleep 4 s. The <c>batchpool</c> tool is installed with <c>dotnet tool install</c> and run as
/// <c>batchpool</c>, in other processes. While the app runs, <c>batchpool status</c> names it; after it exits,
/// <c>batchpool logs nightly</c> shows each line, <c>batchpool dashboard</c> shows it in Chromium, and
/// <c>batchpool clean --yes</c> removes its folder. <c>BATCHPOOL_BACKEND</c> tells both where, as a user's shell would.
/// </summary>
public abstract class NightlyScenarioTests(PackagedApps apps, string backend)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Status_logs_dashboard_and_clean_work_from_another_process_after_the_app_exits()
    {
        if (backend == "slurm")
        {
            SlurmClusterCheck.AssertRunning();
        }
        var app = await apps.Nightly;
        var tool = await apps.Tool;
        // Under the feed's folder, which the collection deletes; on Slurm the nodes share it (this machine's /tmp).
        var root = Directory.CreateDirectory(Path.Combine(apps.Feed.Root, $"nightly-{backend}-{Guid.NewGuid():N}"[..24])).FullName;
        var setting = new Dictionary<string, string> { ["BATCHPOOL_BACKEND"] = $"{backend}:{root}" };
        Task<CommandResult> Batchpool(params string[] arguments) => Dotnet.RunProgram(tool, root, setting, arguments);

        var help = await Batchpool("--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Matches(@"Usage:\s+batchpool \[command\] \[options\]", help.Output);

        using (var running = Dotnet.Start("dotnet", app, setting, Path.Combine("bin", "Release", "net10.0", "App.dll")))
        {
            // While it runs, the tool names it.
            var deadline = DateTime.UtcNow + Patience;
            var seen = false;
            while (!seen && DateTime.UtcNow < deadline && !running.Process.HasExited)
            {
                var listed = await Batchpool("status", "--json");
                seen = listed.ExitCode == 0 && JsonDocument.Parse(listed.Output).RootElement.EnumerateArray()
                    .Any(e => e.GetProperty("name").GetString() == "nightly" && e.GetProperty("client").GetString() == "alive");
            }
            Assert.True(seen, $"batchpool status did not name nightly while it ran; the app: {running}");
            Assert.False(running.Process.HasExited, $"the app ended before the status could be checked while it ran: {running}");
            Assert.True(running.WaitForExit(TimeSpan.FromMinutes(5)), $"the app did not end: {running}");
            Assert.True(running.Process.ExitCode == 0, $"the app failed: {running}");
            Assert.Contains("nightly: 6 parts done", running.Output, StringComparison.Ordinal);
        }

        var status = await Batchpool("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Matches($@"nightly\s+{backend}\s+shut down", status.Output);

        var jobs = await Batchpool("status", "nightly", "--json");
        Assert.True(jobs.ExitCode == 0, jobs.ToString());
        var document = JsonDocument.Parse(jobs.Output).RootElement.GetProperty("status");
        Assert.Equal(6, document.GetProperty("counts").GetProperty("succeeded").GetInt32());
        Assert.All(document.GetProperty("jobs").EnumerateArray(), job => Assert.False(string.IsNullOrEmpty(job.GetProperty("location").GetString())));

        var logs = await Batchpool("logs", "nightly");
        Assert.True(logs.ExitCode == 0, logs.ToString());
        for (var part = 1; part <= 6; part++)
        {
            Assert.Contains($"nightly part {part} starts", logs.Output, StringComparison.Ordinal);
        }

        await SeeInChromiumAsync(tool, root, setting);

        var clean = await Batchpool("clean", "--yes");
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.False(Directory.Exists(Path.Combine(root, "batch-pool-executor", "nightly")), clean.ToString());
        var after = await Batchpool("status");
        Assert.True(after.ExitCode == 3, after.ToString());
        Assert.Contains("No executors", after.Output, StringComparison.Ordinal);
    }

    private async Task SeeInChromiumAsync(string tool, string root, Dictionary<string, string> setting)
    {
        using var dashboard = Dotnet.Start(tool, root, setting, "dashboard", "--port", "0");
        var deadline = DateTime.UtcNow + Patience;
        while (!dashboard.Output.Contains("http://", StringComparison.Ordinal) && DateTime.UtcNow < deadline && !dashboard.Process.HasExited)
        {
            await Task.Delay(100);
        }
        var line = dashboard.Output;
        Assert.True(line.Contains("http://127.0.0.1:", StringComparison.Ordinal), $"the dashboard did not start: {dashboard}");
        var url = line[line.IndexOf("http://", StringComparison.Ordinal)..].Split(' ')[0];

        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(url);
            Assert.Equal("nightly", await page.Locator("#executors tbody tr td a").First.TextContentAsync());
            await Browser.KeepScreenshotAsync(page, $"nightly-{backend}-executors");
            await page.Locator("#executors tbody tr td a").First.ClickAsync();
            await page.WaitForSelectorAsync("#jobs");
            Assert.Equal(6, await page.Locator("#jobs tbody tr.succeeded").CountAsync());
            await Browser.KeepScreenshotAsync(page, $"nightly-{backend}-jobs");
            await page.Locator("#jobs tbody tr").First.Locator("text=log").ClickAsync();
            await page.WaitForSelectorAsync("section.log pre");
            Assert.Contains("nightly part 1 starts", await page.Locator("section.log pre").First.TextContentAsync(), StringComparison.Ordinal);
            await Browser.KeepScreenshotAsync(page, $"nightly-{backend}-log");
        }
    }
}

/// <summary>The scenario on the local backend.</summary>
[Collection("Packages")]
public sealed class NightlyScenarioOnLocal(PackagedApps apps) : NightlyScenarioTests(apps, "local");

/// <summary>The scenario on Slurm (the test cluster's nodes share this machine's /tmp).</summary>
[Collection("Packages")]
public sealed class NightlyScenarioOnSlurm(PackagedApps apps) : NightlyScenarioTests(apps, "slurm");

/// <summary>The scenario on Docker.</summary>
[Collection("Packages")]
public sealed class NightlyScenarioOnDocker(PackagedApps apps) : NightlyScenarioTests(apps, "docker");
