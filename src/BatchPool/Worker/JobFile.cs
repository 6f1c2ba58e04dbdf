using System.Buffers.Binary;

namespace BatchPool.Worker;

/// <summary>
/// A job's input blob: the code manifest (which shipped assemblies to load), then the job's payload. Both parts are
/// authenticated payloads of their own; this only frames them: <c>[u32 LE manifest length][manifest][payload]</c>.
/// </summary>
internal static class JobFile
{
    public static byte[] Compose(ReadOnlySpan<byte> manifest, ReadOnlySpan<byte> payload)
    {
        var file = GC.AllocateUninitializedArray<byte>(4 + manifest.Length + payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(file, (uint)manifest.Length);
        manifest.CopyTo(file.AsSpan(4));
        payload.CopyTo(file.AsSpan(4 + manifest.Length));
        return file;
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
}
