using Hyperion;
using Hyperion.ValueSerializers;

namespace BatchPool.Codec;

/// <summary>Writes and reads one nested value through Hyperion, with its manifest, reference tracking and nulls.</summary>
internal static class GraphIo
{
    // Hyperion's manifest byte for null (NullSerializer.Manifest, internal to Hyperion).
    private const byte NullManifest = 0;

    public static void WriteObject(Stream stream, object? value, SerializerSession session)
    {
        if (value is null)
        {
            stream.WriteByte(NullManifest);
            return;
        }

        if (session.TryGetObjectId(value, out var id))
        {
            ObjectReferenceSerializer.Instance.WriteManifest(stream, session);
            ObjectReferenceSerializer.Instance.WriteValue(stream, id, session);
            return;
        }

        var serializer = session.Serializer.GetSerializerByType(value.GetType());
        serializer.WriteManifest(stream, session);
        serializer.WriteValue(stream, value, session);
    }

    public static object? ReadObject(Stream stream, DeserializerSession session) =>
        session.Serializer.GetDeserializerByManifest(stream, session).ReadValue(stream, session);

    /// <summary>Builds a Hyperion serializer for <paramref name="type"/> from a reader and a writer, registered in <paramref name="map"/>.</summary>
    public static ObjectSerializer Register(
        Type type,
        System.Collections.Concurrent.ConcurrentDictionary<Type, ValueSerializer> map,
        ObjectReader reader,
        ObjectWriter writer)
    {
        var serializer = new ObjectSerializer(type);
        serializer.Initialize(reader, writer);
        return map.TryAdd(type, serializer) ? serializer : (ObjectSerializer)map[type];
    }
}
