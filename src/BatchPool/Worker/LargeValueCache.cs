using BatchPool.Codec;

namespace BatchPool.Worker;

/// <summary>
/// A worker process's large values (<see cref="LargeValue"/>): each fetched from storage once, checked against the hash
/// its authenticated payload names, and kept while the process lives, the least recently used going first once they
/// hold more than <see cref="Capacity"/> bytes (a value larger than that is used and not kept). Every call still gets an
/// array of its own, copied from these bytes, so that no call sees what another did to its copy (as in Python's workers).
/// </summary>
internal sealed class LargeValueCache(long capacity)
{
    /// <summary>The process's cache: at most 2 GiB, or a quarter of the memory the process may use if that is less.</summary>
    public static LargeValueCache Shared { get; } = new(Math.Min(2L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4));

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Sha256Hex, byte[] Bytes)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Sha256Hex, byte[] Bytes)> _recency = [];
    private long _bytes;

    /// <summary>How many bytes the cache keeps at most.</summary>
    public long Capacity { get; } = capacity;

    /// <summary>The bytes of the value <paramref name="sha256Hex"/> names: kept ones, else what <paramref name="fetch"/> returns (then kept).</summary>
    public byte[] GetOrFetch(string sha256Hex, Func<byte[]> fetch)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(sha256Hex, out var kept))
            {
                _recency.Remove(kept);
                _recency.AddFirst(kept);
                return kept.Value.Bytes;
            }
        }
        var bytes = fetch();
        lock (_gate)
        {
            if (bytes.Length <= Capacity && !_entries.ContainsKey(sha256Hex))
            {
                while (_bytes + bytes.Length > Capacity && _recency.Last is { } oldest)
                {
                    _recency.RemoveLast();
                    _entries.Remove(oldest.Value.Sha256Hex);
                    _bytes -= oldest.Value.Bytes.Length;
                }
                _entries[sha256Hex] = _recency.AddFirst((sha256Hex, bytes));
                _bytes += bytes.Length;
            }
        }
        return bytes;
    }

    /// <summary>Forgets every value (a recycled worker keeps nothing of its last executor).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _recency.Clear();
            _bytes = 0;
        }
    }
}
