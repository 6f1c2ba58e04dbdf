using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace BatchPool.Codec;

/// <summary>
/// A large primitive array that a payload names by its SHA-256 instead of carrying: the executor stores it once,
/// content-addressed, however many jobs capture it or take it as an argument, and each worker process fetches it once.
/// The payload's MAC covers the hash, so the stored bytes are authenticated by the hash a reader checks them against.
/// </summary>
/// <param name="Sha256">The SHA-256 of the array's raw bytes.</param>
/// <param name="Array">The array (one-dimensional, of a reference-free element type).</param>
internal sealed record LargeValue(byte[] Sha256, Array Array)
{
    /// <summary>Arrays of at least this many bytes (1 MiB) are stored apart when the encoder is given a <see cref="LargeValueHashes"/>.</summary>
    public const int Threshold = 1 << 20;

    /// <summary>The lowercase hex hash, which names the value in storage.</summary>
    public string Sha256Hex { get; } = Shipping.Sha256Hex.Format(Sha256);

    /// <summary>The array's size in bytes.</summary>
    public long ByteLength => BlobWriter.ByteLength(Array);
}

/// <summary>
/// The large values found while encoding a batch of payloads (a <c>Map</c>'s jobs, which capture the same arrays), each
/// hashed once however many payloads name it. Thread-safe: a map's jobs are encoded in parallel.
/// </summary>
internal sealed class LargeValueHashes
{
    private readonly ConcurrentDictionary<Array, Lazy<LargeValue>> _values = new(ReferenceEqualityComparer.Instance);

    public LargeValue Of(Array array) =>
        _values.GetOrAdd(array, static a => new Lazy<LargeValue>(() => new LargeValue(SHA256.HashData(BlobWriter.BytesOf(a)), a))).Value;
}

/// <summary>
/// Where a decoder finds the large values a payload names: the worker's fetch-once cache over storage, or (a result
/// read by the client) storage itself, read straight into the array.
/// </summary>
internal interface ILargeValueSource
{
    /// <summary>
    /// Fills <paramref name="destination"/> with the bytes of the value whose SHA-256 is <paramref name="sha256"/> and whose
    /// size is the destination's, checked against both; throws <see cref="InvalidPayloadException"/> when they are missing
    /// or differ (the destination's content is then undefined: the decoder drops it).
    /// </summary>
    void ReadInto(ReadOnlySpan<byte> sha256, Span<byte> destination);
}
