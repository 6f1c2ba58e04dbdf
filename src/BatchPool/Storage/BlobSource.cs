using System.Buffers;
using System.Runtime.InteropServices;

namespace BatchPool.Storage;

/// <summary>
/// The bytes of a blob to upload, read a part at a time, so that a bucket store streams big blobs in parts (S3's multipart
/// upload, Azure's staged blocks) and holds only the parts in flight: a part of bytes already in memory is a view of them,
/// not a copy; a part of a file is read into a pooled buffer, returned when the part's stream is disposed.
/// </summary>
internal abstract class BlobSource
{
    /// <summary>The blob's size in bytes.</summary>
    public abstract long Length { get; }

    /// <summary>A stream of the <paramref name="length"/> bytes at <paramref name="offset"/>; dispose it once sent.</summary>
    public abstract Stream OpenPart(long offset, int length);

    /// <summary>The whole blob as one stream (for blobs below the part threshold).</summary>
    public Stream OpenAll() => OpenPart(0, checked((int)Length));

    public static BlobSource Of(ReadOnlySequence<byte> data) => new SequenceSource(data);

    public static BlobSource OfFile(string path) => new FileSource(path);

    /// <summary>The parts of a blob of <paramref name="length"/> bytes: offset and size of each, in order.</summary>
    public static IReadOnlyList<(long Offset, int Length)> Parts(long length, int partSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partSize);
        var parts = new List<(long, int)>();
        for (long offset = 0; offset < length; offset += partSize)
        {
            parts.Add((offset, (int)Math.Min(partSize, length - offset)));
        }
        return parts;
    }

    private sealed class SequenceSource(ReadOnlySequence<byte> data) : BlobSource
    {
        public override long Length => data.Length;

        public override Stream OpenPart(long offset, int length)
        {
            var part = data.Slice(offset, length);
            if (part.IsSingleSegment && MemoryMarshal.TryGetArray(part.First, out var segment))
            {
                return new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
            }
            return new MemoryStream(part.ToArray(), writable: false);
        }
    }

    private sealed class FileSource(string path) : BlobSource
    {
        public override long Length { get; } = new FileInfo(path).Length;

        public override Stream OpenPart(long offset, int length)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
            {
                file.Position = offset;
                file.ReadExactly(buffer, 0, length);
            }
            return new PooledStream(buffer, length);
        }
    }

    /// <summary>A read-only stream over a rented buffer, which it returns when disposed.</summary>
    private sealed class PooledStream(byte[] buffer, int length) : MemoryStream(buffer, 0, length, writable: false)
    {
        private byte[]? _buffer = buffer;

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (Interlocked.Exchange(ref _buffer, null) is { } rented)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
