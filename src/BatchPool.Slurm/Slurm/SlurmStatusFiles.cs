using System.Globalization;
using BatchPool.Worker;

namespace BatchPool.Backends.Slurm;

/// <summary>What jobs leave in the shared folder, read by the monitor: exit codes, a packed job's marks, a log's tail.</summary>
internal static class SlurmStatusFiles
{
    private const int LogTailLines = 30;

    /// <summary>The exit code a status file holds, or null while there is none.</summary>
    public static int? ReadExitCode(string statusPath)
    {
        if (!File.Exists(statusPath))
        {
            // Mostly the case while jobs run: no exception to throw and catch on every round.
            return null;
        }
        try
        {
            return int.TryParse(File.ReadAllText(statusPath).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) ? code : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Whether job <paramref name="index"/> of a packed task marked its start, and the exit code it recorded.</summary>
    public static SlurmPackedJobMarks PackedJobMarks(SlurmTrackedTask task, int index)
    {
        var (started, exited, _) = WorkerProtocol.JobStatusFiles(task.StatusPrefix, index);
        // The exit code first: a job that recorded one had started, whatever the order the files are seen in.
        var exitCode = ReadExitCode(exited);
        return new SlurmPackedJobMarks(exitCode is not null || File.Exists(started), exitCode);
    }

    /// <summary>The last lines of a task's log, or null when it cannot be read.</summary>
    public static string? LogTail(string logPath)
    {
        try
        {
            using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            const int Window = 16 * 1024;
            stream.Seek(Math.Max(0, stream.Length - Window), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join('\n', lines.TakeLast(LogTailLines));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
