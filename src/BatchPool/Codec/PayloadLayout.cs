namespace BatchPool.Codec;

/// <summary>Byte layout constants of a payload (documented in docs/payload-format.md).</summary>
internal static class PayloadLayout
{
    /// <summary>"BPLD": BatchPool payload.</summary>
    public static ReadOnlySpan<byte> Magic => "BPLD"u8;

    public const ushort FormatVersion = 5;

    public const int VersionOffset = 4;
    public const int KindOffset = 6;
    public const int FlagsOffset = 7;

    /// <summary>Flag: the payload's MAC is GMAC (else truncated HMAC-SHA256); see <see cref="PayloadMac"/>.</summary>
    public const byte GmacFlag = 1;
    public const int TotalLengthOffset = 8;
    public const int RuntimeMajorOffset = 16;
    public const int RuntimeMinorOffset = 17;
    public const int AssemblyCountOffset = 18;

    /// <summary>Magic, version, kind, flags, total length, runtime version and assembly count.</summary>
    public const int FixedHeaderLength = 20;

    /// <summary>The MAC's nonce and tag (<see cref="PayloadMac"/>).</summary>
    public const int MacLength = PayloadMac.Length;

    /// <summary>Fixed header, body length, blob count and MAC: the smallest possible payload.</summary>
    public const int MinimumLength = FixedHeaderLength + 4 + 4 + MacLength;
}
