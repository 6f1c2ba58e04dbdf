using System.Buffers;
using System.Buffers.Binary;

namespace BatchPool.Worker;

/// <summary>
/// A job's input blob: the code manifest (which shipped assemblies to load), then the job's payload. Both parts are
/// authenticated payloads of their own; this only frames them: <c>[u32 LE manifest length][manifest][payload]</c>.
/// </summary>
internal static class JobFile
{
    /// <summary>The head every input of a submission shares: <c>[u32 LE manifest length][manifest]</c>.</summary>
    public static byte[] Head(ReadOnlySpan<byte> manifest)
    {
        var head = GC.AllocateUninitializedArray<byte>(4 + manifest.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(head, (uint)manifest.Length);
        manifest.CopyTo(head.AsSpan(4));
        return head;
    }

    /// <summary>
    /// A job's input as the shared head followed by the payload, without copying either: a map's jobs carry one
    /// manifest, and every queued job would otherwise hold its own copy of it (and of its payload) until it is sent.
    /// </summary>
    public static ReadOnlySequence<byte> Compose(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> payload)
    {
        var last = new Segment(payload, head.Length, null);
        return new ReadOnlySequence<byte>(new Segment(head, 0, last), 0, last, payload.Length);
    }

    public static (ReadOnlyMemory<byte> Manifest, ReadOnlyMemory<byte> Payload) Split(ReadOnlyMemory<byte> file)
    {
        if (file.Length < 4)
        {
            throw new InvalidDataException($"A job input of {file.Length} bytes is too short to hold a manifest.");
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(file.Span);
        if (length > (uint)(file.Length - 4))
        {
            throw new InvalidDataException($"A job input of {file.Length} bytes claims a manifest of {length} bytes.");
        }
        return (file.Slice(4, (int)length), file[(4 + (int)length)..]);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex, Segment? next)
        {
            Memory = memory;
            RunningIndex = runningIndex;
            Next = next;
        }
    }
}
