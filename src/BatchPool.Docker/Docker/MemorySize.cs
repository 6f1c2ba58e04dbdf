using System.Globalization;

namespace BatchPool.Docker;

/// <summary>Memory amounts as people write them: <c>512m</c>, <c>2g</c>, <c>1.5G</c>, <c>4Gi</c>, <c>300Mi</c>, or bytes.</summary>
internal static class MemorySize
{
    /// <summary>The least the engine accepts as a container's memory limit.</summary>
    public const long Minimum = 6 * 1024 * 1024;

    /// <summary>Parses <paramref name="text"/>; units are powers of 1024 (as Docker reads them), <c>Ki</c>..<c>Ti</c> too.</summary>
    /// <exception cref="FormatException">Not an amount of memory.</exception>
    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var split = 0;
        while (split < trimmed.Length && (char.IsAsciiDigit(trimmed[split]) || trimmed[split] == '.'))
        {
            split++;
        }
        var unit = trimmed[split..].ToUpperInvariant() switch
        {
            "" or "B" => 1L,
            "K" or "KB" or "KI" or "KIB" => 1L << 10,
            "M" or "MB" or "MI" or "MIB" => 1L << 20,
            "G" or "GB" or "GI" or "GIB" => 1L << 30,
            "T" or "TB" or "TI" or "TIB" => 1L << 40,
            _ => 0L,
        };
        if (unit == 0 || !double.TryParse(trimmed[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            throw new FormatException($"'{text}' is not an amount of memory; write it as 512m, 2g, 4Gi or a number of bytes.");
        }
        return checked((long)(amount * unit));
    }

    /// <summary>A byte count for people: "256 MiB".</summary>
    public static string Describe(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30} GiB",
        >= 1L << 20 => $"{(bytes / (double)(1L << 20)).ToString("0.#", CultureInfo.InvariantCulture)} MiB",
        _ => $"{bytes} bytes",
    };
}
