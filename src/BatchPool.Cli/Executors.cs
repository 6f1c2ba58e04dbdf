using BatchPool.Dashboard;
using BatchPool.Status;

namespace BatchPool.Cli;

/// <summary>Finding executors and jobs under a root, with the tool's errors for what is not there.</summary>
internal static class Executors
{
    public static IReadOnlyList<ExecutorSummary> All(ToolRoot root)
    {
        try
        {
            return ExecutorSummary.ReadAll(root.Folder);
        }
        catch (DirectoryNotFoundException)
        {
            throw new ToolException(ExitCodes.NotFound, $"The folder '{root.Folder}' ({root.Source}) does not exist: no executor has run there. Name another with --root or {ToolRoot.BackendVariable}.");
        }
    }

    /// <summary>Every executor under the root, which must hold one at least.</summary>
    public static IReadOnlyList<ExecutorSummary> AtLeastOne(ToolRoot root)
    {
        var all = All(root);
        return all.Count > 0 ? all : throw new ToolException(ExitCodes.NotFound,
            $"No executors under '{root.Folder}' ({root.Source}). An executor appears here once it has started, and stays after its client exits when created with cleanupBucket: false.");
    }

    /// <summary>The executor called <paramref name="name"/>, read.</summary>
    public static (ExecutorSummary Summary, ExecutorStatus Status) Named(ToolRoot root, string name)
    {
        var all = All(root);
        var found = all.FirstOrDefault(e => e.Name == name);
        if (found is null)
        {
            var names = all.Count == 0 ? "there are none" : "there are: " + string.Join(", ", all.Select(e => e.Name));
            throw new ToolException(ExitCodes.NotFound, $"No executor '{name}' under '{root.Folder}' ({root.Source}); {names}.");
        }
        if (found.Status is not { } status)
        {
            throw new ToolException(ExitCodes.Unreadable, found.Error!);
        }
        return (found, status);
    }

    /// <summary>A job by its call name or its number in the executor's list (1 is the first).</summary>
    public static JobStatus Job(ExecutorStatus status, string job)
    {
        if (int.TryParse(job, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= status.Jobs.Count)
        {
            return status.Jobs[number - 1];
        }
        return status.Jobs.FirstOrDefault(j => j.Call == job)
            ?? throw new ToolException(ExitCodes.NotFound, $"Executor '{status.Name}' has no job '{job}': name a job by its call name or its number (1 to {status.Jobs.Count}; `batchpool status {status.Name}` lists them).");
    }
}
