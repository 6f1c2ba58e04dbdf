using System.Globalization;

namespace BatchPool.Bench;

/// <summary>How figures are written: invariant culture, units chosen by size.</summary>
internal static class Format
{
    public static string Seconds(double seconds) => seconds switch
    {
        >= 10 => Invariant($"{seconds:F1} s"),
        >= 1 => Invariant($"{seconds:F2} s"),
        >= 0.01 => Invariant($"{seconds * 1e3:F0} ms"),
        >= 0.001 => Invariant($"{seconds * 1e3:F1} ms"),
        _ => Invariant($"{seconds * 1e3:F3} ms"),
    };

    public static string Milliseconds(double ms) => Seconds(ms / 1e3);

    public static string Microseconds(double us) => Invariant($"{us:F1} µs");

    public static string Bytes(long bytes) => Invariant($"{bytes:N0} B");

    public static string Megabytes(double mb) => Invariant($"{mb:F0} MB");

    public static string Ratio(double ratio) => ratio < 0.1 ? Invariant($"{ratio:F3}×") : Invariant($"{ratio:F2}×");

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
