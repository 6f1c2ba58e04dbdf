using Hyperion;

namespace BatchPool.Codec;

/// <summary>A Hyperion write session that also carries the codec's own per-payload state.</summary>
internal sealed class CodecWriteSession : SerializerSession
{
    public CodecWriteSession(Serializer serializer, BlobWriter? blobs)
        : base(serializer)
    {
        Blobs = blobs;

        // Hyperion tracks objects by Equals/GetHashCode: distinct but equal objects would arrive as one, and a
        // record in a cycle would overflow the stack. Track by reference instead.
        HyperionInternals.TrackedObjects(this) = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
    }

    /// <summary>Where large primitive arrays go; null writes them inline (nested sessions).</summary>
    public BlobWriter? Blobs { get; }

    /// <summary>Types already written in this payload, by index, so each name is written once.</summary>
    public Dictionary<Type, int> WrittenTypes { get; } = [];
}
