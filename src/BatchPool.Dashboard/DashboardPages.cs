using System.Globalization;
using System.Net;
using System.Text;
using BatchPool.Status;

namespace BatchPool.Dashboard;

/// <summary>
/// The dashboard's HTML, rendered on the server so that the first paint already holds the data (a page fetched once
/// shows the executors); <c>dashboard.js</c> then refreshes the tables from the JSON endpoints. Pure functions.
/// </summary>
internal static class DashboardPages
{
    public static string Executors(string basePath, string root, IReadOnlyList<ExecutorSummary> executors, DateTimeOffset now)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<p class=\"root\">Executors under <code>{E(root)}</code></p>");
        body.Append("<table id=\"executors\"><thead><tr><th>Executor</th><th>Backend</th><th>Client</th><th>Progress</th><th>Queued</th><th>Running</th><th>Succeeded</th><th>Failed</th><th>Cancelled</th><th>Age</th></tr></thead><tbody>");
        foreach (var executor in executors)
        {
            body.Append(ExecutorRow(executor, now));
        }
        body.Append("</tbody></table>");
        if (executors.Count == 0)
        {
            body.Append("<p id=\"empty\">No executors here yet.</p>");
        }
        return Page("BatchPool executors", "executors", "api/executors", basePath, body.ToString());
    }

    public static string ExecutorRow(ExecutorSummary executor, DateTimeOffset now)
    {
        var link = $"<a href=\"executors/{Uri.EscapeDataString(executor.Name)}\">{E(executor.Name)}</a>";
        if (executor.Status is not { } status)
        {
            return $"<tr class=\"unreadable\" data-name=\"{E(executor.Name)}\"><td>{link}</td><td colspan=\"9\">{E(executor.Error ?? "")}</td></tr>";
        }
        var counts = status.Counts;
        return string.Create(CultureInfo.InvariantCulture,
            $"<tr data-name=\"{E(executor.Name)}\"><td>{link}</td><td>{E(status.Backend)}</td><td class=\"client {ClientClass(executor.Client)}\">{ClientText(executor.Client)}</td>" +
            $"<td>{Progress(counts)}</td><td>{counts.Queued}</td><td>{counts.Running}</td><td>{counts.Succeeded}</td><td>{counts.Failed}</td><td>{counts.Cancelled}</td>" +
            $"<td>{E(Age(now - status.Started))}</td></tr>");
    }

    public static string Jobs(string basePath, ExecutorSummary executor, DateTimeOffset now)
    {
        var body = new StringBuilder();
        var name = Uri.EscapeDataString(executor.Name);
        body.Append(CultureInfo.InvariantCulture, $"<p><a href=\"./\">All executors</a> · <a href=\"executors/{name}/logs\">Every log</a></p>");
        if (executor.Status is not { } status)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p class=\"error\">{E(executor.Error ?? "")}</p>");
            return Page($"{executor.Name}", "jobs", $"api/executors/{name}", basePath, body.ToString());
        }
        body.Append(CultureInfo.InvariantCulture,
            $"<p id=\"summary\">{E(status.Backend)} backend · client {E(status.Client.Host)} pid {status.Client.ProcessId}, <span class=\"client {ClientClass(executor.Client)}\">{ClientText(executor.Client)}</span> · started {E(status.Started.ToString("u", CultureInfo.InvariantCulture))}</p>");
        body.Append(CultureInfo.InvariantCulture, $"<div id=\"progress\">{Progress(status.Counts)} {status.Counts.Done} of {status.Counts.Total} jobs done</div>");
        body.Append("<table id=\"jobs\"><thead><tr><th>#</th><th>Job</th><th>State</th><th>Attempt</th><th>Duration</th><th>Ran on</th><th>Error</th><th>Log</th></tr></thead><tbody>");
        for (var i = 0; i < status.Jobs.Count; i++)
        {
            body.Append(JobRow(executor.Name, i, status.Jobs[i], now));
        }
        body.Append("</tbody></table>");
        return Page(executor.Name, "jobs", $"api/executors/{name}", basePath, body.ToString());
    }

    public static string JobRow(string executor, int index, JobStatus job, DateTimeOffset now) => string.Create(CultureInfo.InvariantCulture,
        $"<tr class=\"{E(job.State)}\"><td>{index + 1}</td><td>{E(job.Call)}</td><td class=\"state\">{E(job.State)}</td><td>{job.Attempts}</td>" +
        $"<td>{E(job.Duration(now) is { } d ? Age(d) : "")}</td><td>{E(job.Location ?? "")}</td><td>{E(job.Error ?? "")}</td>" +
        $"<td><a href=\"executors/{Uri.EscapeDataString(executor)}/logs?job={Uri.EscapeDataString(job.Call)}\">log</a></td></tr>");

    public static string Logs(string basePath, ExecutorSummary executor, string? call, IReadOnlyList<KeptLog> logs)
    {
        var body = new StringBuilder();
        var name = Uri.EscapeDataString(executor.Name);
        body.Append(CultureInfo.InvariantCulture, $"<p><a href=\"./\">All executors</a> · <a href=\"executors/{name}\">{E(executor.Name)}</a></p>");
        body.Append(CultureInfo.InvariantCulture, $"<div id=\"logs\">{LogBlocks(logs)}</div>");
        var query = call is null ? "" : "?job=" + Uri.EscapeDataString(call);
        return Page($"{executor.Name}: logs", "logs", $"api/executors/{name}/logs{query}", basePath, body.ToString());
    }

    public static string LogBlocks(IReadOnlyList<KeptLog> logs)
    {
        if (logs.Count == 0)
        {
            return "<p class=\"empty\">Nothing printed yet (a call's log is stored when it ends).</p>";
        }
        var html = new StringBuilder();
        foreach (var log in logs)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section class=\"log\"><h3>{E(LogTitle(log))}</h3><pre>{E(log.Text)}</pre></section>");
        }
        return html.ToString();
    }

    /// <summary>How a log is titled: its job, and which call of the job (or the worker's tail).</summary>
    public static string LogTitle(KeptLog log) => log.Index is { } index
        ? string.Create(CultureInfo.InvariantCulture, $"{log.Call} · call {index}")
        : $"{log.Call} · worker log tail";

    public static string NotFound(string basePath, string what) => Page("Not found", "none", "", basePath, $"<p class=\"error\">{E(what)}</p><p><a href=\"./\">All executors</a></p>");

    public static string ClientText(ClientState? client) => client switch
    {
        ClientState.Alive => "running",
        ClientState.Ended => "shut down",
        ClientState.Gone => "gone",
        _ => "unknown",
    };

    private static string ClientClass(ClientState? client) => client?.ToString().ToLowerInvariant() ?? "unknown";

    private static string Progress(StatusCounts counts) => string.Create(CultureInfo.InvariantCulture,
        $"<progress max=\"{Math.Max(1, counts.Total)}\" value=\"{counts.Done}\" title=\"{counts.Done} of {counts.Total} done\"></progress>");

    /// <summary>A duration as people read it: 4 s, 3 min 20 s, 2 h 5 min, 3 d 4 h.</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }
        return age.TotalSeconds < 60 ? string.Create(CultureInfo.InvariantCulture, $"{age.TotalSeconds:0.#} s")
            : age.TotalMinutes < 60 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes} min {age.Seconds} s")
            : age.TotalHours < 24 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours} h {age.Minutes} min")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays} d {age.Hours} h");
    }

    private static string Page(string title, string view, string api, string basePath, string body) =>
        $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <base href="{E(basePath)}">
        <title>{E(title)} · BatchPool</title>
        <link rel="stylesheet" href="assets/dashboard.css">
        </head>
        <body data-view="{view}" data-api="{E(api)}">
        <header><h1><a href="./">BatchPool</a></h1><h2>{E(title)}</h2><span id="live" title="refreshed every 2 seconds">live</span></header>
        <main>{body}</main>
        <script src="assets/dashboard.js"></script>
        </body>
        </html>
        """;

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
