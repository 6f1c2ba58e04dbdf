using System.Reflection;
using System.Text.Json;
using BatchPool.Dashboard;
using BatchPool.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

// In the namespace of the framework's other Map methods, as ASP.NET Core extensions are.
namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps BatchPool's dashboard into an ASP.NET Core app.</summary>
public static class BatchPoolDashboardEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Serves the dashboard under <paramref name="prefix"/>: the executors under <paramref name="storageRoot"/> with their
    /// counts and progress, each executor's jobs, and their logs, refreshed every 2 seconds; read from the executors'
    /// status documents and logs only. Its pages, CSS and JS ship in this assembly. The data is every job's state and
    /// log: bind the app to a trusted address (<c>batchpool dashboard</c> binds 127.0.0.1), or add authorization to the
    /// returned group.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="storageRoot">The backend's storage folder, which holds <c>batch-pool-executor/</c>.</param>
    /// <param name="prefix">Where the dashboard is mounted, such as <c>/batchpool</c>; by default the site's root.</param>
    /// <returns>The dashboard's route group (for authorization, say).</returns>
    public static RouteGroupBuilder MapBatchPoolDashboard(this IEndpointRouteBuilder endpoints, string storageRoot, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(storageRoot);
        var group = endpoints.MapGroup(prefix);
        string BaseOf(HttpContext context) => $"{context.Request.PathBase}{prefix.TrimEnd('/')}/";

        group.MapGet("/", (HttpContext context) =>
        {
            try
            {
                return Html(DashboardPages.Executors(BaseOf(context), storageRoot, ExecutorSummary.ReadAll(storageRoot), DateTimeOffset.UtcNow));
            }
            catch (DirectoryNotFoundException e)
            {
                return Html(DashboardPages.NotFound(BaseOf(context), e.Message), StatusCodes.Status404NotFound);
            }
        });
        group.MapGet("/executors/{name}", (HttpContext context, string name) =>
            Find(storageRoot, name) is { } executor
                ? Html(DashboardPages.Jobs(BaseOf(context), executor, DateTimeOffset.UtcNow))
                : Html(DashboardPages.NotFound(BaseOf(context), $"No executor '{name}' under {storageRoot}."), StatusCodes.Status404NotFound));
        group.MapGet("/executors/{name}/logs", (HttpContext context, string name, string? job) =>
            Find(storageRoot, name) is { Status: { } status } executor
                ? Html(DashboardPages.Logs(BaseOf(context), executor, job, StatusReader.Logs(executor.Folder, status, job)))
                : Html(DashboardPages.NotFound(BaseOf(context), $"No readable executor '{name}' under {storageRoot}."), StatusCodes.Status404NotFound));

        group.MapGet("/api/executors", () =>
        {
            try
            {
                var executors = ExecutorSummary.ReadAll(storageRoot);
                var now = DateTimeOffset.UtcNow;
                return Results.Json(new { html = string.Concat(executors.Select(e => DashboardPages.ExecutorRow(e, now))), executors }, Json);
            }
            catch (DirectoryNotFoundException e)
            {
                return Results.Json(new { error = e.Message }, Json, statusCode: StatusCodes.Status404NotFound);
            }
        });
        group.MapGet("/api/executors/{name}", (string name) =>
        {
            if (Find(storageRoot, name) is not { Status: { } status } executor)
            {
                return Results.Json(new { error = $"No readable executor '{name}' under {storageRoot}." }, Json, statusCode: StatusCodes.Status404NotFound);
            }
            var now = DateTimeOffset.UtcNow;
            return Results.Json(new
            {
                html = string.Concat(status.Jobs.Select((job, i) => DashboardPages.JobRow(name, i, job, now))),
                progress = $"{status.Counts.Done} of {status.Counts.Total} jobs done",
                done = status.Counts.Done,
                total = status.Counts.Total,
                client = DashboardPages.ClientText(executor.Client),
                status,
            }, Json);
        });
        group.MapGet("/api/executors/{name}/logs", (string name, string? job) =>
            Find(storageRoot, name) is { Status: { } status } executor
                ? Results.Json(new { html = DashboardPages.LogBlocks(StatusReader.Logs(executor.Folder, status, job)) }, Json)
                : Results.Json(new { error = $"No readable executor '{name}' under {storageRoot}." }, Json, statusCode: StatusCodes.Status404NotFound));

        group.MapGet("/assets/{file}", (string file) => Asset(file) is { } asset
            ? Results.Bytes(asset.Bytes, asset.ContentType)
            : Results.NotFound());
        return group;
    }

    private static ExecutorSummary? Find(string root, string name)
    {
        // A name is a folder's name, never a path.
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name.StartsWith('.'))
        {
            return null;
        }
        var folder = StatusReader.FolderOf(root, name);
        return Directory.Exists(folder) ? ExecutorSummary.Read(folder) : null;
    }

    private static IResult Html(string html, int status = StatusCodes.Status200OK) =>
        Results.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);

    private static (byte[] Bytes, string ContentType)? Asset(string file)
    {
        var contentType = Path.GetExtension(file) switch
        {
            ".css" => "text/css; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            _ => null,
        };
        if (contentType is null)
        {
            return null;
        }
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"BatchPool.Dashboard.Assets.{file}");
        if (stream is null)
        {
            return null;
        }
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return (copy.ToArray(), contentType);
    }
}
