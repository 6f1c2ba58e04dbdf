using System.Globalization;

namespace BatchPool.Configuration;

/// <summary>
/// Reads typed settings from a <see cref="SettingSource"/>: a value that does not parse becomes a
/// <see cref="BatchPoolSettingException"/> naming the setting as its source names it, never a bare <see cref="FormatException"/>.
/// </summary>
internal static class SettingReader
{
    public const string DurationAccepted = "a duration such as 90s, 30m, 2h, 1d, HH:MM:SS or D-HH:MM:SS";

    /// <summary>The setting parsed by <paramref name="parse"/>, or null when it is not set.</summary>
    public static T? Read<T>(this SettingSource source, string option, Func<string, T> parse, string accepted)
        where T : struct
    {
        if (source.Get(option) is not { } text)
        {
            return null;
        }
        try
        {
            return parse(text.Trim());
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw new BatchPoolSettingException(source.KeyOf(option), text, accepted, e);
        }
    }

    /// <summary>The setting as text (checked by <paramref name="check"/> when given), or null when it is not set.</summary>
    public static string? ReadText(this SettingSource source, string option, Func<string, bool>? check = null, string accepted = "")
    {
        if (source.Get(option) is not { } text)
        {
            return null;
        }
        return check is null || check(text.Trim()) ? text.Trim() : throw new BatchPoolSettingException(source.KeyOf(option), text, accepted);
    }

    public static int? ReadPositiveInt(this SettingSource source, string option) =>
        source.Read(option, text => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) is var n and > 0 ? n : throw new FormatException(), "a whole number of at least 1");

    public static bool? ReadBool(this SettingSource source, string option) =>
        source.Read(option, text => text.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            _ => throw new FormatException(),
        }, "true or false");

    /// <summary>A duration; a bare number counts <paramref name="bareNumberUnit"/>s (Slurm's time limits are minutes).</summary>
    public static TimeSpan? ReadDuration(this SettingSource source, string option, TimeSpan bareNumberUnit) =>
        source.Read(option, text => ParseDuration(text, bareNumberUnit), DurationAccepted + $" (a bare number counts {Describe(bareNumberUnit)})");

    public static CpuCount? ReadCpuCount(this SettingSource source, string option) =>
        source.Read(option, CpuCount.Parse, CpuCount.Accepted);

    /// <summary>Space-separated words, or null when not set.</summary>
    public static string[]? ReadWords(this SettingSource source, string option) =>
        source.Get(option)?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// <c>90s</c>, <c>30m</c>, <c>2h</c>, <c>1d</c>, <c>HH:MM:SS</c>, <c>D-HH:MM:SS</c> (Slurm's), <c>D.HH:MM:SS</c> (.NET's),
    /// or a bare number of <paramref name="bareNumberUnit"/>s. Never negative.
    /// </summary>
    public static TimeSpan ParseDuration(string text, TimeSpan bareNumberUnit)
    {
        var trimmed = text.Trim();
        if (double.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var bare))
        {
            return bare * bareNumberUnit;
        }
        if (trimmed.Length > 1 && double.TryParse(trimmed[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            var unit = char.ToLowerInvariant(trimmed[^1]) switch
            {
                's' => TimeSpan.FromSeconds(1),
                'm' => TimeSpan.FromMinutes(1),
                'h' => TimeSpan.FromHours(1),
                'd' => TimeSpan.FromDays(1),
                _ => throw new FormatException($"'{text}' is not a duration."),
            };
            return amount * unit;
        }
        var dash = trimmed.IndexOf('-', StringComparison.Ordinal);
        var days = dash < 0 ? 0 : int.Parse(trimmed[..dash], NumberStyles.None, CultureInfo.InvariantCulture);
        var clock = TimeSpan.Parse(trimmed[(dash + 1)..], CultureInfo.InvariantCulture);
        return clock < TimeSpan.Zero ? throw new FormatException($"'{text}' is negative.") : TimeSpan.FromDays(days) + clock;
    }

    private static string Describe(TimeSpan unit) =>
        unit == TimeSpan.FromMinutes(1) ? "minutes" : unit == TimeSpan.FromSeconds(1) ? "seconds" : unit.ToString();
}
