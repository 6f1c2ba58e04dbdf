using System.Security.Cryptography;

namespace BatchPool.Shipping;

/// <summary>
/// The lowercase hex SHA-256 of a shipped file, which names it in storage and in the manifest. Formatted by a plain loop:
/// <see cref="Convert.ToHexStringLower(byte[])"/>'s vectorized code is compiled at run time, in a fresh client and worker.
/// </summary>
internal static class Sha256Hex
{
    public static string Of(ReadOnlySpan<byte> data) => Format(SHA256.HashData(data));

    public static string Of(Stream stream) => Format(SHA256.HashData(stream));

    /// <summary>A hash, as lowercase hex.</summary>
    public static string Format(ReadOnlySpan<byte> hash)
    {
        const string Digits = "0123456789abcdef";
        var chars = new char[hash.Length * 2];
        for (var i = 0; i < hash.Length; i++)
        {
            chars[2 * i] = Digits[hash[i] >> 4];
            chars[(2 * i) + 1] = Digits[hash[i] & 0xF];
        }
        return new string(chars);
    }
}
