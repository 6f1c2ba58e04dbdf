using System.Globalization;
using System.Text;
using BatchPool.Worker;

namespace BatchPool.Backends.Slurm;

/// <summary>
/// How a group of jobs (a <c>Submit</c>, or a <c>Map</c>'s chunks) becomes one job array: consecutive jobs per task, as
/// even as can be; a task of several jobs (<see cref="Packed"/>) runs them one after another in one worker.
/// </summary>
/// <param name="Jobs">The group's jobs.</param>
/// <param name="Slices">Each task's first job and how many it runs.</param>
internal sealed record SlurmArrayPlan(IReadOnlyList<BatchJobRequest> Jobs, IReadOnlyList<(int First, int Count)> Slices)
{
    /// <summary>The plan for <paramref name="jobs"/> in at most <paramref name="taskLimit"/> tasks.</summary>
    public static SlurmArrayPlan For(IReadOnlyList<BatchJobRequest> jobs, int taskLimit)
    {
        var tasks = Math.Min(jobs.Count, taskLimit);
        var slices = new List<(int, int)>(tasks);
        for (int task = 0, first = 0; task < tasks; task++)
        {
            // 10 jobs in 4 tasks are 3, 3, 2, 2.
            var count = jobs.Count / tasks + (task < jobs.Count % tasks ? 1 : 0);
            slices.Add((first, count));
            first += count;
        }
        return new SlurmArrayPlan(jobs, slices);
    }

    /// <summary>How many tasks the array has.</summary>
    public int TaskCount => Slices.Count;

    /// <summary>Whether a task runs several jobs.</summary>
    public bool Packed => Slices.Count < Jobs.Count;

    /// <summary>The jobs file the job script reads: line (task + 1) holds the task's worker arguments.</summary>
    public string JobsFile()
    {
        var lines = new StringBuilder();
        foreach (var (first, count) in Slices)
        {
            var arguments = Packed
                ? WorkerProtocol.PackedRunArguments(Enumerable.Range(first, count).Select(i => Jobs[i].WorkerArguments))
                : Jobs[first].WorkerArguments;
            lines.Append(SlurmJobScript.JobLine(arguments)).Append('\n');
        }
        return lines.ToString();
    }

    /// <summary>The tasks of array <paramref name="arrayId"/> to watch, each with its jobs (a packed task's told apart: "12_3#0", "12_3#1", ...).</summary>
    public List<SlurmTrackedTask> Tasks(long arrayId, string logFolder, string statusFolder)
    {
        var tasks = new List<SlurmTrackedTask>(TaskCount);
        for (var task = 0; task < TaskCount; task++)
        {
            var (first, count) = Slices[task];
            var taskId = string.Create(CultureInfo.InvariantCulture, $"{arrayId}_{task}");
            var taskJobs = Enumerable.Range(first, count)
                .Select(i => new BatchJob(Packed ? string.Create(CultureInfo.InvariantCulture, $"{taskId}#{i - first}") : taskId, Jobs[i].Name))
                .ToList();
            tasks.Add(new SlurmTrackedTask(taskJobs, arrayId, task, Path.Combine(logFolder, taskId + ".log"), Path.Combine(statusFolder, taskId), Packed));
        }
        return tasks;
    }
}
