using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using BatchPool.Codec;
using BatchPool.Storage;

namespace BatchPool.Shipping;

/// <summary>
/// Stores the large values an executor's jobs name (<see cref="LargeValue"/>), content-addressed and once per executor:
/// a map of many calls over one captured array stores it once, not once per job. The client ships its jobs' inputs' values
/// with one; a worker ships its jobs' results' values with another (<paramref name="lookFirst"/>).
/// </summary>
/// <param name="storage">The executor's storage.</param>
/// <param name="layout">The executor's folder.</param>
/// <param name="stored">Told how many bytes each value stored took (the executor's telemetry).</param>
/// <param name="lookFirst">
/// Whether to look for each value in storage before storing it: a worker's result is often a value already there (an
/// argument returned as it came, or another job's result), and one look-up costs less than storing it again.
/// </param>
internal sealed class LargeValueShipper(IBatchStorage storage, ExecutorLayout layout, Action<long>? stored = null, bool lookFirst = false)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _uploads = new(StringComparer.Ordinal);

    public Task ShipAsync(IEnumerable<LargeValue> values, CancellationToken cancellationToken) =>
        Task.WhenAll(values.Select(value => _uploads.GetOrAdd(value.Sha256Hex, _ => new Lazy<Task>(() => UploadAsync(value, cancellationToken))).Value));

    private async Task UploadAsync(LargeValue value, CancellationToken cancellationToken)
    {
        try
        {
            await StoreAsync(value, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not kept as shipped: the next job that names it tries again.
            _uploads.TryRemove(value.Sha256Hex, out _);
            throw;
        }
    }

    private async Task StoreAsync(LargeValue value, CancellationToken cancellationToken)
    {
        var key = layout.LargeValueOf(value.Sha256Hex);
        if (lookFirst && await storage.ExistsAsync(key, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        // Straight from the array's memory: a large value is never copied on the client.
        using var bytes = new ArrayBytes(value.Array);
        await storage.WriteAsync(key, bytes.Memory, cancellationToken).ConfigureAwait(false);
        stored?.Invoke(value.ByteLength);
    }

    /// <summary>The raw bytes of a primitive array as memory, the array pinned while they are in use.</summary>
    private sealed class ArrayBytes(Array array) : MemoryManager<byte>
    {
        private GCHandle _pin;

        public override Span<byte> GetSpan() =>
            MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), checked((int)BlobWriter.ByteLength(array)));

        public override unsafe MemoryHandle Pin(int elementIndex = 0)
        {
            if (!_pin.IsAllocated)
            {
                _pin = GCHandle.Alloc(array, GCHandleType.Pinned);
            }
            return new MemoryHandle((byte*)_pin.AddrOfPinnedObject() + elementIndex);
        }

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
            if (_pin.IsAllocated)
            {
                _pin.Free();
            }
        }
    }
}
