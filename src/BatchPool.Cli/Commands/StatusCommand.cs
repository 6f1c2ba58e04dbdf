using System.Globalization;
using BatchPool.Dashboard;
using BatchPool.Status;

namespace BatchPool.Cli.Commands;

/// <summary><c>batchpool status [NAME]</c>: every executor, or one executor's jobs.</summary>
internal static class StatusCommand
{
    public static int Run(ToolRoot root, string? name, ToolOutput output)
    {
        var now = DateTimeOffset.UtcNow;
        if (name is not null)
        {
            var (summary, status) = Executors.Named(root, name);
            if (output.Json)
            {
                output.WriteJson(new { client = summary.Client, status });
                return ExitCodes.Ok;
            }
            output.Say($"{status.Name}: {status.Backend} backend, client {status.Client.Host} pid {status.Client.ProcessId} {ClientWord(summary.Client)}, " +
                $"started {Age(now - status.Started)} ago; {status.Counts.Done} of {status.Counts.Total} jobs done " +
                $"({status.Counts.Succeeded} succeeded, {status.Counts.Failed} failed, {status.Counts.Cancelled} cancelled, {status.Counts.Running} running, {status.Counts.Queued} queued)");
            output.Table(["#", "JOB", "STATE", "ATTEMPT", "DURATION", "RAN ON", "ERROR"],
                status.Jobs.Select((job, i) => (IReadOnlyList<string>)[
                    (i + 1).ToString(CultureInfo.InvariantCulture), job.Call, job.State, job.Attempts.ToString(CultureInfo.InvariantCulture),
                    job.Duration(now) is { } d ? Age(d) : "", job.Location ?? "", job.Error ?? ""]));
            return ExitCodes.Ok;
        }
        var all = Executors.AtLeastOne(root);
        if (output.Json)
        {
            output.WriteJson(all.Select(e => new
            {
                name = e.Name,
                backend = e.Status?.Backend,
                client = e.Client,
                counts = e.Status?.Counts,
                started = e.Status?.Started,
                updated = e.Status?.Updated,
                ended = e.Status?.Ended,
                error = e.Error,
            }));
        }
        else
        {
            output.Table(["NAME", "BACKEND", "CLIENT", "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "AGE"],
                all.Select(e => e.Status is { } s
                    ? (IReadOnlyList<string>)[e.Name, s.Backend, ClientWord(e.Client), N(s.Counts.Queued), N(s.Counts.Running), N(s.Counts.Succeeded), N(s.Counts.Failed), N(s.Counts.Cancelled), Age(now - s.Started)]
                    : [e.Name, "?", "unreadable", "", "", "", "", "", ""]));
        }
        foreach (var unreadable in all.Where(e => e.Error is not null))
        {
            output.Errors.WriteLine($"batchpool: {unreadable.Error}");
        }
        return all.Any(e => e.Error is not null) ? ExitCodes.Unreadable : ExitCodes.Ok;
    }

    public static string ClientWord(ClientState? client) => DashboardPages.ClientText(client) switch
    {
        "running" => "alive",
        var other => other,
    };

    public static string Age(TimeSpan age) => DashboardPages.Age(age);

    private static string N(int count) => count.ToString(CultureInfo.InvariantCulture);
}
