using System.Globalization;

namespace BatchPool.Backends.Slurm;

/// <summary>
/// squeue's output as the monitor asks for it: <c>-O</c> columns of fixed widths, since <c>squeue --json</c> ignores
/// <c>--jobs</c> in Slurm 22.05 (it lists every job of the cluster). A pending job's node list is blank.
/// </summary>
internal static class SlurmSqueueOutput
{
    private static readonly (string Name, int Width)[] Columns = [("JobArrayID", 48), ("State", 24), ("Reason", 48), ("NodeList", 256), ("exit_code", 12)];

    /// <summary>squeue's <c>--Format</c> for these columns.</summary>
    public static string FormatOption { get; } = "--Format=" + string.Join(',', Columns.Select(c => $"{c.Name}:{c.Width}"));

    /// <summary>Every record of squeue's output.</summary>
    public static List<SlurmTaskStatus> ParseAll(string output)
    {
        var tasks = new List<SlurmTaskStatus>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Parse(line) is { } task)
            {
                tasks.Add(task);
            }
        }
        return tasks;
    }

    /// <summary>One line: "12_3 COMPLETED None node1 0", or "12_[4-99] PENDING ..."; null for a line that is none.</summary>
    public static SlurmTaskStatus? Parse(string line)
    {
        var columns = new string[Columns.Length];
        var at = 0;
        for (var i = 0; i < Columns.Length; i++)
        {
            // squeue pads each column to its width, and cuts what is longer; the last one may lose its padding.
            var width = i == Columns.Length - 1 ? Math.Max(0, line.Length - at) : Math.Min(Columns[i].Width, Math.Max(0, line.Length - at));
            columns[i] = line.Substring(at, width).Trim();
            at += width;
        }
        var id = columns[0];
        var underscore = id.IndexOf('_', StringComparison.Ordinal);
        if (!long.TryParse(underscore < 0 ? id : id[..underscore], NumberStyles.None, CultureInfo.InvariantCulture, out var arrayId))
        {
            return null;
        }
        _ = int.TryParse(columns[4], NumberStyles.None, CultureInfo.InvariantCulture, out var waitStatus);
        return new SlurmTaskStatus(arrayId, underscore < 0 ? [0] : TasksOf(id[(underscore + 1)..]), columns[1], columns[2], columns[3], waitStatus);
    }

    /// <summary>"3", or "[0-4,7]" or "[5-99%10]" (tasks not yet split off their array, at most 10 running at once).</summary>
    private static List<int> TasksOf(string text)
    {
        var tasks = new List<int>();
        text = text.Trim('[', ']');
        if (text.IndexOf('%', StringComparison.Ordinal) is var throttle and >= 0)
        {
            text = text[..throttle];
        }
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = part.Split('-');
            if (int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first))
            {
                var last = bounds.Length > 1 && int.TryParse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture, out var end) ? end : first;
                for (var task = first; task <= last; task++)
                {
                    tasks.Add(task);
                }
            }
        }
        return tasks;
    }
}
