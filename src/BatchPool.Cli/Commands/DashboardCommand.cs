using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BatchPool.Cli.Commands;

/// <summary><c>batchpool dashboard [--port P]</c>: serves the web dashboard on 127.0.0.1 until Ctrl+C.</summary>
internal static class DashboardCommand
{
    public const int DefaultPort = 5077;

    public static async Task<int> RunAsync(ToolRoot root, int port, ToolOutput output, CancellationToken cancellationToken)
    {
        if (port is < 0 or > 65535)
        {
            throw new ToolException(ExitCodes.Usage, $"--port {port} is not a port: 1 to 65535 (0: any free port).");
        }
        if (!Directory.Exists(root.Folder))
        {
            throw new ToolException(ExitCodes.NotFound, $"The folder '{root.Folder}' ({root.Source}) does not exist: no executor has run there. Name another with --root or {ToolRoot.BackendVariable}.");
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // Loopback only: the pages show every job's log.
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var app = builder.Build();
        app.MapBatchPoolDashboard(root.Folder);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (e.InnerException is SocketException or null || e.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            throw new ToolException(ExitCodes.PortUnavailable, $"Cannot serve the dashboard on 127.0.0.1:{port}: {e.Message} Choose another with --port (0: any free port).");
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        if (output.Json)
        {
            output.WriteJson(new { url = address + "/", root = root.Folder });
        }
        else
        {
            output.Out.WriteLine($"BatchPool dashboard: {address}/ (executors under {root.Folder}); Ctrl+C stops it.");
        }
        await output.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
