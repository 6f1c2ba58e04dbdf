using System.Globalization;

namespace BatchPool.Backends.Slurm;

/// <summary>
/// The name of a status file the job script or a packed task's worker writes in the session's status folder:
/// <c>ARRAY_TASK.start</c> and <c>ARRAY_TASK.exit</c> for a task, <c>ARRAY_TASK.INDEX.start</c> and
/// <c>ARRAY_TASK.INDEX.exit</c> for job INDEX of a packed task.
/// </summary>
/// <param name="ArrayId">The array's job id.</param>
/// <param name="Task">The task's index in its array.</param>
/// <param name="PackedIndex">The job's place in a packed task, or null for the task's own file.</param>
/// <param name="IsStart">A start mark (else an exit status).</param>
internal readonly record struct SlurmStatusFileName(long ArrayId, int Task, int? PackedIndex, bool IsStart)
{
    /// <summary>Reads a status file's path, or null for a file of another name (a temporary file, say).</summary>
    public static SlurmStatusFileName? Parse(string statusPath)
    {
        var isStart = statusPath.EndsWith(".start", StringComparison.Ordinal);
        if (!isStart && !statusPath.EndsWith(".exit", StringComparison.Ordinal))
        {
            return null;
        }
        var name = Path.GetFileNameWithoutExtension(statusPath);
        int? index = null;
        if (name.IndexOf('.', StringComparison.Ordinal) is var dot and >= 0)
        {
            if (!int.TryParse(name[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var jobIndex))
            {
                return null;
            }
            index = jobIndex;
            name = name[..dot];
        }
        var underscore = name.IndexOf('_', StringComparison.Ordinal);
        return underscore >= 0
            && long.TryParse(name[..underscore], NumberStyles.None, CultureInfo.InvariantCulture, out var arrayId)
            && int.TryParse(name[(underscore + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var task)
            ? new SlurmStatusFileName(arrayId, task, index, isStart)
            : null;
    }
}
