using System.Security.Cryptography;
using BatchPool.Codec;
using BatchPool.Storage;
using BatchPool.Worker;

namespace BatchPool.Shipping;

/// <summary>
/// The large values (<see cref="LargeValue"/>) of one executor's folder in storage, read into the arrays a decoder
/// allocates, each checked against the size and SHA-256 its authenticated payload names. Through a worker's cache when
/// given one (a worker fetches a value once while it lives); else, and for a value larger than the cache holds, straight
/// from storage into the array a piece at a time, hashed as it arrives: the client reading a large result never holds the
/// stored bytes beside the array they fill.
/// </summary>
/// <param name="storage">The executor's storage.</param>
/// <param name="layout">The executor's folder.</param>
/// <param name="cache">The worker process's cache; null on the client, which reads each result once.</param>
internal sealed class StoredLargeValues(IBatchStorage storage, ExecutorLayout layout, LargeValueCache? cache = null) : ILargeValueSource
{
    /// <summary>How much is read (and hashed) at a time when reading straight into the array.</summary>
    private const int PieceBytes = 1 << 20;

    public void ReadInto(ReadOnlySpan<byte> sha256, string path, Span<byte> destination)
    {
        // Errors name the value by its path in the graph when the payload gives one, and by its key.
        var hex = path.Length > 0 ? $"{path} ({Sha256Hex.Format(sha256)})" : Sha256Hex.Format(sha256);
        var name = Sha256Hex.Format(sha256);
        if (cache is null || destination.Length > cache.Capacity)
        {
            ReadStraight(hex, name, sha256, destination);
            return;
        }
        var expected = sha256.ToArray();
        var length = destination.Length;
        var bytes = cache.GetOrFetch(name, () => Fetch(hex, name, expected, length));
        if (bytes.Length != destination.Length)
        {
            throw new InvalidPayloadException(PayloadRejection.Corrupt, $"the payload names large value {hex} as {destination.Length} bytes, it has {bytes.Length}");
        }
        bytes.CopyTo(destination);
    }

    private byte[] Fetch(string hex, string name, byte[] sha256, long byteLength)
    {
        var key = layout.LargeValueOf(name);
        var bytes = Await(storage.ReadAsync(key), hex, key, byteLength) ?? throw Missing(hex, key, byteLength);
        // The payload's MAC covers the hash, so bytes that hash to it are the ones the client stored.
        if (bytes.Length != byteLength || !SHA256.HashData(bytes).AsSpan().SequenceEqual(sha256))
        {
            throw Refused(hex, key, bytes.Length, byteLength);
        }
        return bytes;
    }

    private void ReadStraight(string hex, string name, ReadOnlySpan<byte> sha256, Span<byte> destination)
    {
        var key = layout.LargeValueOf(name);
        using var stream = Await(storage.OpenReadAsync(key), hex, key, destination.Length) ?? throw Missing(hex, key, destination.Length);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long read = 0;
        bool longer;
        try
        {
            while (read < destination.Length)
            {
                var piece = destination.Slice((int)read, (int)Math.Min(PieceBytes, destination.Length - read));
                var count = stream.Read(piece);
                if (count == 0)
                {
                    break;
                }
                // Hashed while the piece is still in the processor's cache.
                hash.AppendData(piece[..count]);
                read += count;
            }
            longer = read == destination.Length && stream.ReadByte() >= 0;
        }
        catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException)
        {
            throw Unreadable(hex, key, destination.Length, e);
        }
        Span<byte> actual = stackalloc byte[32];
        hash.GetHashAndReset(actual);
        if (longer || read != destination.Length || !actual.SequenceEqual(sha256))
        {
            throw Refused(hex, key, longer ? null : read, destination.Length);
        }
    }

    /// <summary>
    /// Waits for a read of storage (the decoder is synchronous: on the client it runs on a thread pool thread as a job's
    /// output is collected, once per large value).
    /// </summary>
    private T Await<T>(ValueTask<T> read, string hex, string key, long byteLength)
    {
        try
        {
            return read.IsCompletedSuccessfully ? read.Result : read.AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException)
        {
            throw Unreadable(hex, key, byteLength, e);
        }
    }

    private InvalidPayloadException Missing(string hex, string key, long byteLength) =>
        new(PayloadRejection.Corrupt, $"large value {hex} ({byteLength} bytes) is not in storage at {storage.Locator}{key}");

    private InvalidPayloadException Unreadable(string hex, string key, long byteLength, Exception e) =>
        new(PayloadRejection.Corrupt, $"large value {hex} ({byteLength} bytes) could not be read from {storage.Locator}{key}: {e.Message}", e);

    private InvalidPayloadException Refused(string hex, string key, long? actualLength, long byteLength) =>
        new(PayloadRejection.AuthenticationFailed,
            $"large value {hex} at {storage.Locator}{key} ({(actualLength is { } length ? $"{length} bytes" : $"more than {byteLength} bytes")}) does not match the hash and size ({byteLength} bytes) its payload names: refused");
}
