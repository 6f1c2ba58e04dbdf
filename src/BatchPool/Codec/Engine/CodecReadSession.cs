using Hyperion;

namespace BatchPool.Codec;

/// <summary>A Hyperion read session that also carries the codec's own per-payload state.</summary>
internal sealed class CodecReadSession(Serializer serializer, BlobReader blobs, TypeResolver resolver) : DeserializerSession(serializer)
{
    public BlobReader Blobs { get; } = blobs;

    public TypeResolver Resolver { get; } = resolver;

    /// <summary>Types read so far in this payload, by index; null where the reader cannot load the type.</summary>
    public List<ResolvedType> ReadTypes { get; } = [];
}
