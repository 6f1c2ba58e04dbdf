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
    /// <param name="sha256">The value's SHA-256, as the authenticated payload names it.</param>
    /// <param name="path">Where the value sits in the payload's graph (<c>closure.Target.data</c>, <c>result[0]</c>), for errors.</param>
    /// <param name="destination">The array's bytes, to fill.</param>
    void ReadInto(ReadOnlySpan<byte> sha256, string path, Span<byte> destination);
}

/// <summary>
/// Whether a process can hold one more large value: checked before its array is allocated, so that a value too large for
/// a worker (or for the client reading a result) is an <see cref="InsufficientMemoryException"/> naming the value, its size
/// and the memory, not an out-of-memory crash (or a kill by the kernel as the array's pages are filled).
/// </summary>
internal static class LargeValueRoom
{
    /// <summary>
    /// Whether <paramref name="byteLength"/> more bytes fit in a process that may use <paramref name="limit"/> bytes
    /// (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>: a container's or job's limit, a heap limit, else the machine's
    /// memory) and uses <paramref name="inUse"/>, leaving a sixteenth of the limit for everything else.
    /// </summary>
    public static bool Fits(long byteLength, long limit, long inUse) => byteLength <= limit - (limit / 16) - inUse;

    /// <summary>Throws <see cref="InsufficientMemoryException"/> unless the value at <paramref name="path"/> fits in this process.</summary>
    public static void Check(string path, long byteLength)
    {
        var limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var inUse = GC.GetTotalMemory(forceFullCollection: false);
        if (!Fits(byteLength, limit, inUse))
        {
            throw new InsufficientMemoryException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"large value {(path.Length > 0 ? path : "(unnamed)")} of {byteLength:N0} bytes does not fit in this process (pid {Environment.ProcessId}): it may use {limit:N0} bytes and uses {inUse:N0}; give the jobs more memory (the backend's memory per job, the container's limit) or ship the value in smaller parts."));
        }
    }
}
