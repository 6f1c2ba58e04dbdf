using BatchPool.Tests.Executor;

namespace BatchPool.Tests.Watch;

/// <summary>The dashboard in a real browser (headless Chromium): first paint, live refresh, a job's log.</summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);
    private readonly TestBackend _backend = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    /// <summary>A job that prints and waits for a file (built here: a lambda of the test would share its closure with the executor).</summary>
    private static Func<int> WaitFor(string gate) => () =>
    {
        Console.WriteLine("waiting for the gate");
        while (!File.Exists(gate))
        {
            Thread.Sleep(20);
        }
        Console.WriteLine("through the gate");
        return 1;
    };

    [Fact]
    public async Task The_jobs_page_refreshes_by_itself_as_a_job_ends()
    {
        var gate = Path.Combine(_backend.Root, "gate");
        await using var bpe = new BatchPoolExecutor(name: "live", backend: _backend.Backend);
        var waiting = bpe.Submit(WaitFor(gate));
        try
        {
            await WatchTheJobEndAsync(bpe, waiting, gate);
        }
        finally
        {
            // The job ends whatever happened above: a failed check must not leave the executor waiting for it for ever.
            await File.WriteAllTextAsync(gate, "");
        }
    }

    private async Task WatchTheJobEndAsync(BatchPoolExecutor bpe, BatchPoolFuture<int> waiting, string gate)
    {
        var status = Path.Combine(_backend.FolderOf(bpe), "status.json");
        Assert.True(SpinWait.SpinUntil(() => waiting.Running, Long));
        // Written from the executor's first second on.
        Assert.True(SpinWait.SpinUntil(() => File.Exists(status) && File.ReadAllText(status).Contains("running", StringComparison.Ordinal), Long));

        using var dashboard = Programs.Start(Programs.Tool, new Dictionary<string, string?>(), "--root", _backend.Root, "dashboard", "--port", "0");
        Assert.True(SpinWait.SpinUntil(() => dashboard.Output.Contains("http://", StringComparison.Ordinal) || dashboard.Process.HasExited, Long), dashboard.Errors);
        var url = dashboard.Output[dashboard.Output.IndexOf("http://", StringComparison.Ordinal)..].Split(' ')[0];

        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(url + "executors/live");
            Assert.Equal("running", await page.Locator("#jobs tbody tr td.state").First.TextContentAsync());
            await Browser.KeepScreenshotAsync(page, "live-running");
            await File.WriteAllTextAsync(gate, "");
            Assert.Equal(1, await waiting.ResultAsync(Long));
            // No reload: the page's script refreshes the table.
            await page.WaitForSelectorAsync("#jobs tbody tr.succeeded", new() { Timeout = 30_000 });
            Assert.Equal("1 of 1 jobs done", (await page.Locator("#progress").TextContentAsync())!.Trim());
            await Browser.KeepScreenshotAsync(page, "live-succeeded");
            await page.ClickAsync("#jobs tbody tr >> text=log");
            await page.WaitForSelectorAsync("section.log pre");
            Assert.Equal("waiting for the gate\nthrough the gate", (await page.Locator("section.log pre").TextContentAsync())!.Trim());
        }
    }
}
