using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Hyperion;
using Hyperion.SerializerFactories;
using Hyperion.ValueSerializers;

namespace BatchPool.Codec;

/// <summary>
/// The fast path for one-dimensional arrays of primitives, enums and reference-free structs: raw bytes, not element by
/// element. Large arrays go out of band as blobs (copied once, straight into the payload); small ones inline.
/// </summary>
internal sealed class RawArraySerializerFactory : ValueSerializerFactory
{
    private const byte Inline = 0;
    private const byte Blob = 1;

    private static readonly ConcurrentDictionary<Type, Func<int, bool, Array>> Allocators = new();

    public static bool Handles(Type type) => type.IsSZArray && TypeLayout.IsRawCopyable(type.GetElementType()!);

    public override bool CanSerialize(Serializer serializer, Type type) => Handles(type);

    public override bool CanDeserialize(Serializer serializer, Type type) => Handles(type);

    public override ValueSerializer BuildSerializer(Serializer serializer, Type type, ConcurrentDictionary<Type, ValueSerializer> typeMapping) =>
        Build(type, typeMapping);

    public static ObjectSerializer Build(Type type, ConcurrentDictionary<Type, ValueSerializer> typeMapping)
    {
        var elementType = type.GetElementType()!;
        var elementSize = elementType.UnsafeSize();
        var allocate = Allocators.GetOrAdd(elementType, static t =>
            typeof(GC).GetMethod(nameof(GC.AllocateUninitializedArray))!.MakeGenericMethod(t).CreateDelegate<Func<int, bool, Array>>());
        return GraphIo.Register(type, typeMapping, (stream, session) => Read(stream, (CodecReadSession)session, elementSize, allocate), Write);
    }

    private static void Write(Stream stream, object value, SerializerSession session)
    {
        session.TrackSerializedObject(value);
        var array = (Array)value;
        WireFormat.WriteVarUInt(stream, (uint)array.Length);
        var blobs = ((CodecWriteSession)session).Blobs;
        if (blobs is not null && BlobWriter.ByteLength(array) >= BlobWriter.Threshold)
        {
            stream.WriteByte(Blob);
            WireFormat.WriteVarUInt(stream, (uint)blobs.Add(array));
            return;
        }

        stream.WriteByte(Inline);
        stream.Write(BlobWriter.BytesOf(array));
    }

    private static Array Read(Stream stream, CodecReadSession session, int elementSize, Func<int, bool, Array> allocate)
    {
        var length = WireFormat.ReadVarUInt(stream);
        var mode = WireFormat.ReadByte(stream);
        var byteLength = (long)length * elementSize;
        ReadOnlySpan<byte> source;
        if (mode == Blob)
        {
            source = session.Blobs.Get((int)Math.Min(WireFormat.ReadVarUInt(stream), int.MaxValue), byteLength);
        }
        else if (mode == Inline && byteLength <= WireFormat.Remaining(stream))
        {
            source = default;
        }
        else
        {
            throw new PayloadFormatException($"array of {length} elements does not fit in the payload");
        }

        // Bounds are checked above, so a forged length never allocates more than the payload holds.
        var array = allocate((int)length, false);
        session.TrackDeserializedObject(array);
        var target = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), (int)byteLength);
        if (mode == Blob)
        {
            source.CopyTo(target);
        }
        else
        {
            stream.ReadExactly(target);
        }

        return array;
    }

    /// <summary>Makes <c>byte[]</c>, which Hyperion serializes with a built-in serializer, take this path too.</summary>
    public static void OverrideBuiltIns(Serializer serializer)
    {
        var serializers = HyperionInternals.Serializers(serializer);
        serializers[typeof(byte[])] = Build(typeof(byte[]), new ConcurrentDictionary<Type, ValueSerializer>());
    }
}
