using System.Collections.Concurrent;
using Hyperion;
using Hyperion.SerializerFactories;
using Hyperion.ValueSerializers;

namespace BatchPool.Codec;

/// <summary>
/// <see cref="Type"/> values (e.g. a captured <c>typeof(Foo)</c>), resolved in the reader's contextual load context.
/// Replaces Hyperion's, whose process-wide name cache would hand out a type from another load context.
/// </summary>
internal sealed class TypeValueSerializerFactory : ValueSerializerFactory
{
    public override bool CanSerialize(Serializer serializer, Type type) => type == typeof(Type);

    public override bool CanDeserialize(Serializer serializer, Type type) => CanSerialize(serializer, type);

    public override ValueSerializer BuildSerializer(Serializer serializer, Type type, ConcurrentDictionary<Type, ValueSerializer> typeMapping) =>
        Build(typeMapping);

    private static ObjectSerializer Build(ConcurrentDictionary<Type, ValueSerializer> typeMapping) => GraphIo.Register(
        typeof(Type),
        typeMapping,
        (stream, session) =>
        {
            var type = TypeRefs.ReadRequired(stream, (CodecReadSession)session);
            session.TrackDeserializedObject(type);
            return type;
        },
        (stream, value, session) =>
        {
            session.TrackSerializedObject(value);
            TypeRefs.Write(stream, (Type)value, (CodecWriteSession)session);
        });

    /// <summary>Routes runtime type objects, which Hyperion maps to its own serializer up front, to this one.</summary>
    public static void OverrideBuiltIns(Serializer serializer)
    {
        var serializers = HyperionInternals.Serializers(serializer);
        var mine = Build(new ConcurrentDictionary<Type, ValueSerializer>());
        serializers[typeof(Type)] = mine;
        serializers[typeof(Type).GetType()] = mine;
    }
}
