using System.Text.Json;
using BatchPool.Tests.Docker;

namespace BatchPool.Tests.Watch;

/// <summary>
/// The watch scenario, as a user lives it: a console app runs executor <c>nightly</c> (cleanupBucket: false) mapping 6
/// calls that print a line and sleep 4 s. While it runs, <c>batchpool status</c> names it; after it exits,
/// <c>batchpool logs nightly</c> shows each line, <c>batchpool dashboard</c> shows it in Chromium, and
/// <c>batchpool clean --yes</c> removes its folder. The app and the tool are separate processes.
/// </summary>
public abstract class NightlyScenarioTests(string backend)
{
    [Fact]
    public async Task Status_logs_dashboard_and_clean_work_from_another_process_after_the_app_exits()
    {
        var root = Path.Combine(Path.GetTempPath(), "batchpool-tests", "nightly-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var setting = $"{backend}:{root}";
        try
        {
            using (var app = Programs.Start(Programs.Nightly, new Dictionary<string, string?> { ["BATCHPOOL_BACKEND"] = setting }))
            {
                // While it runs, the tool names it.
                var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
                var seen = false;
                while (!seen && DateTime.UtcNow < deadline && !app.Process.HasExited)
                {
                    var (code, output, _) = Programs.RunTool(setting, "status", "--json");
                    seen = code == 0 && JsonDocument.Parse(output).RootElement.EnumerateArray().Any(e => e.GetProperty("name").GetString() == "nightly" && e.GetProperty("client").GetString() == "alive");
                }
                Assert.True(seen, $"batchpool status did not name nightly while it ran; the app: {app.Output} {app.Errors}");
                Assert.False(app.Process.HasExited, "the app ended before the status could be checked while it ran");
                Assert.True(app.Process.WaitForExit(TimeSpan.FromMinutes(5)), "the app did not end");
                app.Process.WaitForExit();
                Assert.True(app.Process.ExitCode == 0, $"the app failed: {app.Output} {app.Errors}");
            }

            var status = Programs.RunTool(setting, "status");
            Assert.Equal(0, status.ExitCode);
            Assert.Contains("nightly", status.Output, StringComparison.Ordinal);
            Assert.Contains("shut down", status.Output, StringComparison.Ordinal);

            var jobs = Programs.RunTool(setting, "status", "nightly", "--json");
            Assert.Equal(0, jobs.ExitCode);
            var document = JsonDocument.Parse(jobs.Output).RootElement.GetProperty("status");
            Assert.Equal(6, document.GetProperty("counts").GetProperty("succeeded").GetInt32());
            Assert.All(document.GetProperty("jobs").EnumerateArray(), job => Assert.False(string.IsNullOrEmpty(job.GetProperty("location").GetString())));

            var logs = Programs.RunTool(setting, "logs", "nightly");
            Assert.Equal(0, logs.ExitCode);
            for (var part = 1; part <= 6; part++)
            {
                Assert.Contains($"nightly part {part} starts", logs.Output, StringComparison.Ordinal);
            }

            await SeeInChromiumAsync(setting);

            var clean = Programs.RunTool(setting, "clean", "--yes");
            Assert.True(clean.ExitCode == 0, clean.Output + clean.Errors);
            Assert.False(Directory.Exists(Path.Combine(root, "batch-pool-executor", "nightly")));
            var after = Programs.RunTool(setting, "status");
            Assert.Equal(3, after.ExitCode);
            Assert.Contains("No executors", after.Errors, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private async Task SeeInChromiumAsync(string setting)
    {
        using var dashboard = Programs.Start(Programs.Tool, new Dictionary<string, string?>(), "--root", setting, "dashboard", "--port", "0");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!dashboard.Output.Contains("http://", StringComparison.Ordinal) && DateTime.UtcNow < deadline && !dashboard.Process.HasExited)
        {
            await Task.Delay(100);
        }
        var line = dashboard.Output;
        Assert.True(line.Contains("http://127.0.0.1:", StringComparison.Ordinal), $"the dashboard did not start: {line} {dashboard.Errors}");
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
public sealed class NightlyScenarioOnLocal() : NightlyScenarioTests("local");

/// <summary>The scenario on Slurm.</summary>
[Collection("Slurm")]
public sealed class NightlyScenarioOnSlurm() : NightlyScenarioTests("slurm");

/// <summary>The scenario on Docker.</summary>
[Collection(DockerCollection.Name)]
public sealed class NightlyScenarioOnDocker() : NightlyScenarioTests("docker");
