using System.Globalization;

namespace BatchPool.Codec;

/// <summary>Codes for the framework's string comparers a reader can re-create without shipping their internals.</summary>
internal static class WellKnownComparers
{
    public const byte Ordinal = 1;
    public const byte OrdinalIgnoreCase = 2;
    public const byte InvariantCulture = 3;
    public const byte InvariantCultureIgnoreCase = 4;
    public const byte Culture = 5;      // culture name + CompareOptions follow
    public const byte Shipped = 255;    // another string comparer: its fields follow

    public static byte CodeOf(StringComparer comparer, out CultureInfo? culture, out CompareOptions options)
    {
        culture = null;
        options = CompareOptions.None;
        if (ReferenceEquals(comparer, StringComparer.Ordinal))
        {
            return Ordinal;
        }

        if (ReferenceEquals(comparer, StringComparer.OrdinalIgnoreCase))
        {
            return OrdinalIgnoreCase;
        }

        if (ReferenceEquals(comparer, StringComparer.InvariantCulture))
        {
            return InvariantCulture;
        }

        if (ReferenceEquals(comparer, StringComparer.InvariantCultureIgnoreCase))
        {
            return InvariantCultureIgnoreCase;
        }

        if (StringComparer.IsWellKnownCultureAwareComparer(comparer, out var compareInfo, out options))
        {
            culture = CultureInfo.GetCultureInfo(compareInfo.Name);
            return Culture;
        }

        return Shipped;
    }

    public static StringComparer Create(byte code, string? cultureName, CompareOptions options) => code switch
    {
        Ordinal => StringComparer.Ordinal,
        OrdinalIgnoreCase => StringComparer.OrdinalIgnoreCase,
        InvariantCulture => StringComparer.InvariantCulture,
        InvariantCultureIgnoreCase => StringComparer.InvariantCultureIgnoreCase,
        Culture => StringComparer.Create(CultureInfo.GetCultureInfo(cultureName ?? string.Empty), options),
        _ => throw new PayloadFormatException($"unknown comparer code {code}"),
    };
}
