using System.Diagnostics;
using BatchPool.Status;

namespace BatchPool.Cli.Commands;

/// <summary>
/// <c>batchpool cancel NAME [JOB]</c>: asks a running client to cancel (its futures then end cancelled), or, when the
/// client is gone, stops the jobs on the engine and marks them cancelled in the status document.
/// </summary>
internal static class CancelCommand
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static async Task<int> RunAsync(ToolRoot root, string name, string? job, ToolOutput output, CancellationToken cancellationToken)
    {
        var (summary, status) = Executors.Named(root, name);
        var chosen = job is null ? null : Executors.Job(status, job);
        var targets = status.Jobs.Where(j => (chosen is null || j.Call == chosen.Call) && j.State is JobStates.Queued or JobStates.Running).ToList();
        if (targets.Count == 0)
        {
            output.Say(chosen is null ? $"Nothing to cancel: every job of '{name}' has ended." : $"Nothing to cancel: job {chosen.Call} has ended ({chosen.State}).");
            Report(output, name, [], "nothing to cancel");
            return ExitCodes.Ok;
        }
        if (summary.Client == ClientState.Alive)
        {
            // The client reads its requests once a second and cancels the futures itself.
            var requests = Path.Combine(summary.Folder, Storage.ExecutorLayout.CancelRequestsFileName);
            await File.AppendAllTextAsync(requests, (chosen?.Call ?? "*") + "\n", cancellationToken).ConfigureAwait(false);
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < Patience)
            {
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
                var now = StatusReader.Read(summary.Folder);
                if (targets.All(t => now.Jobs.FirstOrDefault(j => j.Call == t.Call)?.State is not (JobStates.Queued or JobStates.Running)))
                {
                    output.Say($"Cancelled {targets.Count} job(s) of '{name}' (its client stopped them).");
                    Report(output, name, targets, "client");
                    return ExitCodes.Ok;
                }
            }
            throw new ToolException(ExitCodes.Failed, $"Asked the client of '{name}' (pid {status.Client.ProcessId}) to cancel {targets.Count} job(s); it has not confirmed within {Patience.TotalSeconds} s.");
        }
        var done = EngineJobs.Stop(status, targets, everyJob: chosen is null);
        MarkCancelled(summary.Folder, status, targets);
        output.Say($"The client of '{name}' is {StatusCommand.ClientWord(summary.Client)}: stopped {targets.Count} job(s) on the engine ({done}).");
        Report(output, name, targets, done);
        return ExitCodes.Ok;
    }

    /// <summary>Records the engine's cancel in the document, which no client will rewrite.</summary>
    internal static void MarkCancelled(string folder, ExecutorStatus status, IReadOnlyList<JobStatus> targets)
    {
        var calls = targets.Select(t => t.Call).ToHashSet(StringComparer.Ordinal);
        var now = DateTimeOffset.UtcNow;
        var jobs = status.Jobs.Select(j => calls.Contains(j.Call) ? j with { State = JobStates.Cancelled, Ended = now } : j).ToList();
        var updated = status with { Jobs = jobs, Counts = StatusCounts.Of(jobs) };
        var path = Path.Combine(folder, Storage.ExecutorLayout.StatusFileName);
        var temporary = path + ".batchpool-tool.tmp";
        File.WriteAllBytes(temporary, StatusReader.Serialize(updated));
        File.Move(temporary, path, overwrite: true);
    }

    private static void Report(ToolOutput output, string name, IReadOnlyList<JobStatus> targets, string how)
    {
        if (output.Json)
        {
            output.WriteJson(new { executor = name, cancelled = targets.Select(t => t.Call), how });
        }
    }
}
