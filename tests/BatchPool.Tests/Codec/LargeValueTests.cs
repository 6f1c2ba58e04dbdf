using System.Runtime.InteropServices;
using System.Security.Cryptography;
using BatchPool.Codec;
using BatchPool.Shipping;
using BatchPool.Storage;
using BatchPool.Worker;

namespace BatchPool.Tests.Codec;

/// <summary>Large arrays named by their hash instead of carried, and the worker's fetch-once cache of them.</summary>
public sealed class LargeValueTests : IDisposable
{
    private readonly PayloadCodec _codec = new(RandomNumberGenerator.GetBytes(32));
    private readonly string _root = Path.Combine(Path.GetTempPath(), "batchpool-tests", "large-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static double[] Numbers(int count) => [.. Enumerable.Range(0, count).Select(i => i * 0.5)];

    private static byte[] BytesOf(double[] array) => MemoryMarshal.AsBytes(array.AsSpan()).ToArray();

    private sealed class Bytes(byte[] bytes) : ILargeValueSource
    {
        public int Reads { get; private set; }

        public void ReadInto(ReadOnlySpan<byte> sha256, string path, Span<byte> destination)
        {
            Reads++;
            Assert.Equal(SHA256.HashData(bytes), sha256.ToArray());
            Assert.Equal(bytes.Length, destination.Length);
            bytes.CopyTo(destination);
        }
    }

    [Fact]
    public void A_captured_array_of_a_mebibyte_or_more_is_named_by_its_hash_and_read_back_whole()
    {
        var numbers = Numbers(300_000);   // 2.4 MB
        Func<double> sum = () => numbers.Sum();
        var payload = _codec.Encode(new JobInput(sum, [[]]), PayloadKind.JobInput, new LargeValueHashes());

        Assert.True(payload.Bytes.Length < 64 * 1024, $"the payload carries {payload.Bytes.Length} bytes");
        var value = Assert.Single(payload.LargeValues);
        Assert.Same(numbers, value.Array);
        Assert.Equal(SHA256.HashData(BytesOf(numbers)), value.Sha256);
        Assert.Equal(numbers.Length * 8L, value.ByteLength);

        var source = new Bytes(BytesOf(numbers));
        var job = (JobInput)_codec.Decode(payload.Bytes, PayloadKind.JobInput, source);
        Assert.Equal(numbers.Sum(), ((Func<double>)job.Function)());
        Assert.Equal(1, source.Reads);
    }

    [Fact]
    public void Payloads_encoded_together_hash_a_shared_array_once()
    {
        var numbers = Numbers(200_000);
        Func<int, double> at = i => numbers[i];
        var hashes = new LargeValueHashes();
        var first = _codec.Encode(new JobInput(at, [[1]]), PayloadKind.JobInput, hashes);
        var second = _codec.Encode(new JobInput(at, [[2]]), PayloadKind.JobInput, hashes);
        Assert.Same(Assert.Single(first.LargeValues), Assert.Single(second.LargeValues));
        // Named twice in one graph, listed once.
        var twice = _codec.Encode(new JobInput(at, [[numbers], [numbers]]), PayloadKind.JobInput, hashes);
        Assert.Single(twice.LargeValues);
    }

    [Fact]
    public void Small_arrays_and_payloads_encoded_without_hashes_carry_their_bytes()
    {
        var small = Numbers(100_000);   // 800 KB: under the threshold
        Assert.Empty(_codec.Encode(new JobInput(new Func<double>(() => small[0]), [[]]), PayloadKind.JobInput, new LargeValueHashes()).LargeValues);

        var large = Numbers(300_000);
        var carried = _codec.Encode(new JobInput(new Func<double>(() => large[0]), [[]]), PayloadKind.JobInput);
        Assert.Empty(carried.LargeValues);
        Assert.True(carried.Bytes.Length > large.Length * 8);
    }

    [Fact]
    public void A_payload_that_names_a_large_value_cannot_be_read_without_a_store()
    {
        var numbers = Numbers(300_000);
        var payload = _codec.Encode(new JobInput(new Func<double>(() => numbers[0]), [[]]), PayloadKind.JobInput, new LargeValueHashes());
        var refused = Assert.Throws<InvalidPayloadException>(() => _codec.Decode(payload.Bytes, PayloadKind.JobInput));
        Assert.Equal(PayloadRejection.Corrupt, refused.Reason);
        Assert.Contains("stored apart", refused.Message, StringComparison.Ordinal);
    }

    private static byte[] Read(StoredLargeValues values, byte[] sha256, int length)
    {
        var bytes = new byte[length];
        values.ReadInto(sha256, "closure.Target.numbers", bytes);
        return bytes;
    }

    [Fact]
    public async Task The_worker_fetches_a_value_once_checks_its_hash_and_names_what_is_wrong()
    {
        var storage = new FileSystemStorage(_root);
        var layout = ExecutorLayout.For("large-values");
        var numbers = Numbers(300_000);
        var bytes = BytesOf(numbers);
        var sha256 = SHA256.HashData(bytes);
        var key = layout.LargeValueOf(Sha256Hex.Format(sha256));
        var values = new StoredLargeValues(storage, layout, new LargeValueCache(1L << 30));

        var missing = Assert.Throws<InvalidPayloadException>(() => Read(values, sha256, bytes.Length));
        Assert.Equal(PayloadRejection.Corrupt, missing.Reason);
        Assert.Contains(key, missing.Message, StringComparison.Ordinal);

        var tampered = (byte[])bytes.Clone();
        tampered[^1] ^= 1;
        await storage.WriteAsync(key, tampered);
        Assert.Equal(PayloadRejection.AuthenticationFailed, Assert.Throws<InvalidPayloadException>(() => Read(values, sha256, bytes.Length)).Reason);

        await storage.WriteAsync(key, bytes);
        Assert.Equal(bytes, Read(values, sha256, bytes.Length));
        // Kept: the stored copy is not read again.
        File.Delete(Path.Combine(_root, key));
        Assert.Equal(bytes, Read(values, sha256, bytes.Length));
        // A size that differs from the value's is refused even when kept.
        Assert.Equal(PayloadRejection.Corrupt, Assert.Throws<InvalidPayloadException>(() => Read(values, sha256, bytes.Length - 8)).Reason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Read_straight_from_storage_a_value_is_checked_against_its_hash_and_size(bool largerThanTheCache)
    {
        // The client (no cache), and a worker whose cache cannot hold the value: read into the array, hashed as it arrives.
        var storage = new FileSystemStorage(_root);
        var layout = ExecutorLayout.For("large-values-straight");
        var bytes = BytesOf(Numbers(400_000));   // 3.2 MB: several pieces
        var sha256 = SHA256.HashData(bytes);
        var key = layout.LargeValueOf(Sha256Hex.Format(sha256));
        var values = new StoredLargeValues(storage, layout, largerThanTheCache ? new LargeValueCache(capacity: 1 << 20) : null);

        var missing = Assert.Throws<InvalidPayloadException>(() => Read(values, sha256, bytes.Length));
        Assert.Equal(PayloadRejection.Corrupt, missing.Reason);
        Assert.Contains(key, missing.Message, StringComparison.Ordinal);

        var tampered = (byte[])bytes.Clone();
        tampered[bytes.Length / 2] ^= 1;
        await storage.WriteAsync(key, tampered);
        var altered = Assert.Throws<InvalidPayloadException>(() => Read(values, sha256, bytes.Length));
        Assert.Equal(PayloadRejection.AuthenticationFailed, altered.Reason);
        Assert.Contains(key, altered.Message, StringComparison.Ordinal);

        await storage.WriteAsync(key, bytes.AsMemory(0, bytes.Length - 1));
        Assert.Equal(PayloadRejection.AuthenticationFailed, Assert.Throws<InvalidPayloadException>(() => Read(values, sha256, bytes.Length)).Reason);
        await storage.WriteAsync(key, (byte[])[.. bytes, 0]);
        Assert.Equal(PayloadRejection.AuthenticationFailed, Assert.Throws<InvalidPayloadException>(() => Read(values, sha256, bytes.Length)).Reason);

        await storage.WriteAsync(key, bytes);
        Assert.Equal(bytes, Read(values, sha256, bytes.Length));
        // Not kept: a value read straight is read again each time.
        File.Delete(Path.Combine(_root, key));
        Assert.Equal(PayloadRejection.Corrupt, Assert.Throws<InvalidPayloadException>(() => Read(values, sha256, bytes.Length)).Reason);
    }

    [Fact]
    public void The_cache_keeps_at_most_its_capacity_dropping_the_least_recently_used()
    {
        var cache = new LargeValueCache(capacity: 100);
        var fetches = 0;
        byte[] Fetch(int size)
        {
            fetches++;
            return new byte[size];
        }
        cache.GetOrFetch("a", () => Fetch(40));
        cache.GetOrFetch("b", () => Fetch(40));
        cache.GetOrFetch("a", () => Fetch(40));     // kept; now the most recent
        cache.GetOrFetch("c", () => Fetch(40));     // 120 > 100: b goes
        Assert.Equal(3, fetches);
        cache.GetOrFetch("a", () => Fetch(40));
        Assert.Equal(3, fetches);
        cache.GetOrFetch("b", () => Fetch(40));
        Assert.Equal(4, fetches);
        cache.GetOrFetch("huge", () => Fetch(500));  // larger than the cache: used, not kept
        cache.GetOrFetch("huge", () => Fetch(500));
        Assert.Equal(6, fetches);
        cache.Clear();
        cache.GetOrFetch("a", () => Fetch(40));
        Assert.Equal(7, fetches);
    }
}
