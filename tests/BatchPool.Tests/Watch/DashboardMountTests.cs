using System.Net;
using BatchPool.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BatchPool.Tests.Watch;

/// <summary>The dashboard mounted in an app of the user's own, under a prefix, served by Kestrel and fetched over HTTP.</summary>
public sealed class DashboardMountTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "batchpool-tests", "mount-" + Guid.NewGuid().ToString("N")[..8]);
    private WebApplication? _app;
    private string _url = "";

    public async Task InitializeAsync()
    {
        var folder = Path.Combine(_root, "batch-pool-executor", "mounted <one>");
        Directory.CreateDirectory(Path.Combine(folder, "logs"));
        var status = StatusDocumentTests.Sample(DateTimeOffset.UtcNow, name: "mounted <one>");
        await File.WriteAllBytesAsync(Path.Combine(folder, "status.json"), StatusReader.Serialize(status));
        await File.WriteAllTextAsync(Path.Combine(folder, "logs", "anonymous-1-abcd.0.log"), "<b>printed</b>\n");

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapBatchPoolDashboard(_root, "/batchpool");
        await _app.StartAsync();
        _url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task The_first_paint_holds_the_executors_escaped_and_the_assets_come_from_the_assembly()
    {
        using var http = new HttpClient();
        var page = await http.GetStringAsync($"{_url}/batchpool/");
        Assert.Contains("<base href=\"/batchpool/\">", page, StringComparison.Ordinal);
        Assert.Contains("mounted &lt;one&gt;", page, StringComparison.Ordinal);
        Assert.DoesNotContain("mounted <one>", page, StringComparison.Ordinal);
        Assert.Contains("<progress max=\"2\" value=\"1\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);

        var css = await http.GetAsync($"{_url}/batchpool/assets/dashboard.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);
        var js = await http.GetStringAsync($"{_url}/batchpool/assets/dashboard.js");
        Assert.Contains("setInterval(refresh", js, StringComparison.Ordinal);

        var log = await http.GetStringAsync($"{_url}/batchpool/executors/{Uri.EscapeDataString("mounted <one>")}/logs?job=anonymous-1-abcd");
        Assert.Contains("&lt;b&gt;printed&lt;/b&gt;", log, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{_url}/batchpool/executors/nobody")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{_url}/batchpool/assets/secrets.txt")).StatusCode);
    }
}
