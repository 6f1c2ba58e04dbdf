using System.Globalization;
using System.Text;

namespace BatchPool.Diagnostics;

/// <summary>The line <see cref="ConsoleProgressBar"/> draws for a report, fitted to a width: a pure function.</summary>
internal static class ProgressBarLine
{
    private const int MinBar = 10;
    private const int MaxBar = 40;

    /// <summary>
    /// <c>[#########-----------]  45% 450/1000 jobs, 8 running, 2 failed, 0 cancelled | 0:12, ~0:15 left</c>, exactly
    /// <paramref name="width"/> characters (padded with spaces, so a redraw covers the last line; cut when too narrow).
    /// </summary>
    public static string Render(BatchPoolProgress progress, int width)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var total = progress.Total;
        var fraction = total == 0 ? 0 : (double)progress.Ended / total;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $" {fraction * 100,3:0}% {progress.Ended}/{total} jobs, {progress.Running} running");
        if (progress.Failed > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", {progress.Failed} failed");
        }
        if (progress.Cancelled > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", {progress.Cancelled} cancelled");
        }
        if (progress.Retried > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", {progress.Retried} retried");
        }
        text.Append(" | ").Append(Duration(progress.Elapsed));
        if (!progress.IsComplete)
        {
            text.Append(progress.EstimatedRemaining is { } left ? $", ~{Duration(left)} left" : ", ? left");
        }
        var bar = Math.Clamp(width - text.Length - 2, MinBar, MaxBar);
        var filled = (int)Math.Round(fraction * bar);
        var line = new StringBuilder(width + 2)
            .Append('[').Append('#', filled).Append('-', bar - filled).Append(']')
            .Append(text);
        return line.Length >= width ? line.ToString(0, Math.Max(width, 0)) : line.Append(' ', width - line.Length).ToString();
    }

    /// <summary><c>0:07</c>, <c>12:34</c>, <c>1:02:03</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        var seconds = (long)Math.Round(Math.Max(span.TotalSeconds, 0));
        var (hours, minutes, secs) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        return hours > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hours}:{minutes:00}:{secs:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{minutes}:{secs:00}");
    }
}
