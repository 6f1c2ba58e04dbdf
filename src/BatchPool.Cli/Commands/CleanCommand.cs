using BatchPool.Dashboard;
using BatchPool.Status;

namespace BatchPool.Cli.Commands;

/// <summary>
/// <c>batchpool clean [--older-than AGE] [--yes]</c>: removes the folders of executors whose client is gone (or shut them
/// down), and their leftover Slurm jobs and containers.
/// </summary>
internal static class CleanCommand
{
    public static int Run(ToolRoot root, TimeSpan? olderThan, bool yes, TextReader input, bool inputIsTerminal, ToolOutput output)
    {
        var now = DateTimeOffset.UtcNow;
        var all = Executors.AtLeastOne(root);
        // An executor whose status cannot be read is never removed: whether its client runs is not known.
        var unreadable = all.Where(e => e.Error is not null).ToList();
        foreach (var executor in unreadable)
        {
            output.Errors.WriteLine($"batchpool: not cleaning '{executor.Name}': {executor.Error}");
        }
        var exitCode = unreadable.Count > 0 ? ExitCodes.Unreadable : ExitCodes.Ok;
        var chosen = Choose(all, olderThan, now);
        if (chosen.Count == 0)
        {
            output.Say($"Nothing to clean under '{root.Folder}': every readable executor's client runs{(olderThan is null ? "" : ", or was seen in the last " + StatusCommand.Age(olderThan.Value))}.");
            if (output.Json)
            {
                output.WriteJson(new { removed = Array.Empty<string>() });
            }
            return exitCode;
        }
        if (!output.Json || !yes)
        {
            output.Out.WriteLine($"{chosen.Count} executor(s) whose client is gone:");
            foreach (var executor in chosen)
            {
                output.Out.WriteLine($"  {executor.Name}  ({StatusCommand.ClientWord(executor.Client)}, last seen {StatusCommand.Age(now - executor.Status!.Updated)} ago)  {executor.Folder}");
            }
        }
        if (!yes)
        {
            if (!inputIsTerminal)
            {
                throw new ToolException(ExitCodes.Failed, "Not removing anything without a question answered: add --yes to clean from a script.");
            }
            output.Out.Write("Remove their folders, and stop their leftover jobs? [y/N] ");
            if (input.ReadLine()?.Trim().ToLowerInvariant() is not ("y" or "yes"))
            {
                output.Out.WriteLine("Nothing removed.");
                return ExitCodes.Failed;
            }
        }
        var removed = new List<string>();
        foreach (var executor in chosen)
        {
            var status = executor.Status!;
            var leftovers = status.Jobs.Where(j => j.State is JobStates.Queued or JobStates.Running).ToList();
            var stopped = leftovers.Count > 0 ? EngineJobs.Stop(status, leftovers, everyJob: true) : "no job left";
            Directory.Delete(executor.Folder, recursive: true);
            removed.Add(executor.Name);
            output.Say($"Removed {executor.Name} ({stopped}).");
        }
        if (output.Json)
        {
            output.WriteJson(new { removed });
        }
        return exitCode;
    }

    /// <summary>The executors to clean: readable, their client not alive, and (with an age) not seen for that long. A pure function.</summary>
    internal static IReadOnlyList<ExecutorSummary> Choose(IReadOnlyList<ExecutorSummary> all, TimeSpan? olderThan, DateTimeOffset now) =>
        [.. all.Where(e => e.Status is { } status && e.Client is not ClientState.Alive && (olderThan is null || now - status.Updated >= olderThan))];
}
