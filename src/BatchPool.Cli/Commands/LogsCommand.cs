using BatchPool.Dashboard;
using BatchPool.Status;

namespace BatchPool.Cli.Commands;

/// <summary><c>batchpool logs NAME [JOB] [--follow]</c>: what the jobs printed.</summary>
internal static class LogsCommand
{
    public static async Task<int> RunAsync(ToolRoot root, string name, string? job, bool follow, ToolOutput output, CancellationToken cancellationToken)
    {
        var (summary, status) = Executors.Named(root, name);
        var call = job is null ? null : Executors.Job(status, job).Call;
        var shown = new HashSet<(string, int?)>();
        while (true)
        {
            var logs = StatusReader.Logs(summary.Folder, status, call);
            var fresh = logs.Where(log => shown.Add((log.Call, log.Index))).ToList();
            if (output.Json)
            {
                foreach (var log in fresh)
                {
                    output.WriteJson(new { call = log.Call, index = log.Index, text = log.Text });
                }
            }
            else
            {
                foreach (var log in fresh)
                {
                    output.Out.WriteLine($"==> {DashboardPages.LogTitle(log)} <==");
                    output.Out.Write(log.Text.EndsWith('\n') ? log.Text : log.Text + "\n");
                }
            }
            var done = status.Jobs.Where(j => call is null || j.Call == call).All(j => j.State is not (JobStates.Queued or JobStates.Running));
            if (!follow || (done && shown.Count == logs.Count) || ClientLiveness.Of(status) != ClientState.Alive)
            {
                if (!follow && shown.Count == 0)
                {
                    output.Errors.WriteLine($"batchpool: nothing printed yet by {(call is null ? $"the jobs of '{name}'" : $"job {call}")} (a call's log is stored when it ends).");
                }
                return ExitCodes.Ok;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            (summary, status) = Executors.Named(root, name);
        }
    }
}
