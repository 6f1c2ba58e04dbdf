using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using BatchPool.Codec;
using BatchPool.Storage;

namespace BatchPool.Shipping;

/// <summary>
/// Stores the large values an executor's jobs name (<see cref="LargeValue"/>), content-addressed and once per executor:
/// a map of many calls over one captured array stores it once, not once per job.
/// </summary>
/// <param name="storage">The executor's storage.</param>
/// <param name="layout">The executor's folder.</param>
/// <param name="stored">Told how many bytes each value stored took (the executor's telemetry).</param>
internal sealed class LargeValueShipper(IBatchStorage storage, ExecutorLayout layout, Action<long>? stored = null)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _uploads = new(StringComparer.Ordinal);

    public Task ShipAsync(IEnumerable<LargeValue> values, CancellationToken cancellationToken) =>
        Task.WhenAll(values.Select(value => _uploads.GetOrAdd(value.Sha256Hex, _ => new Lazy<Task>(() => UploadAsync(value, cancellationToken))).Value));

    private async Task UploadAsync(LargeValue value, CancellationToken cancellationToken)
    {
        var key = layout.LargeValueOf(value.Sha256Hex);
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
