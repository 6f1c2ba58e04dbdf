using System.Globalization;

namespace BatchPool.Cli;

/// <summary>Ages on the command line: <c>90s</c>, <c>30m</c>, <c>12h</c>, <c>7d</c>. A pure parser.</summary>
internal static class AgeText
{
    public static TimeSpan Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && double.TryParse(trimmed[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            switch (char.ToLowerInvariant(trimmed[^1]))
            {
                case 's': return TimeSpan.FromSeconds(amount);
                case 'm': return TimeSpan.FromMinutes(amount);
                case 'h': return TimeSpan.FromHours(amount);
                case 'd': return TimeSpan.FromDays(amount);
            }
        }
        throw new ToolException(ExitCodes.Usage, $"--older-than '{text}' is not an age: a number and s, m, h or d (90s, 30m, 12h, 7d).");
    }
}
