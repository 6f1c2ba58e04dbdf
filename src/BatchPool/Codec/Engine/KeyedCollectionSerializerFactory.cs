using System.Collections.Concurrent;
using System.Globalization;
using Hyperion;
using Hyperion.SerializerFactories;
using Hyperion.ValueSerializers;

namespace BatchPool.Codec;

/// <summary>
/// <see cref="Dictionary{TKey,TValue}"/> and <see cref="HashSet{T}"/> with their equality comparer (Hyperion drops it:
/// a case-insensitive dictionary would arrive case-sensitive). Well-known comparers are re-created, others shipped.
/// </summary>
internal sealed class KeyedCollectionSerializerFactory : ValueSerializerFactory
{
    public override bool CanSerialize(Serializer serializer, Type type) =>
        type.IsConstructedGenericType && (type.GetGenericTypeDefinition() == typeof(Dictionary<,>) || type.GetGenericTypeDefinition() == typeof(HashSet<>));

    public override bool CanDeserialize(Serializer serializer, Type type) => CanSerialize(serializer, type);

    public override ValueSerializer BuildSerializer(Serializer serializer, Type type, ConcurrentDictionary<Type, ValueSerializer> typeMapping)
    {
        var arguments = type.GenericTypeArguments;
        var codecType = arguments.Length == 2
            ? typeof(DictionaryCodec<,>).MakeGenericType(arguments)
            : typeof(HashSetCodec<>).MakeGenericType(arguments);
        var codec = (IKeyedCodec)Activator.CreateInstance(codecType)!;
        return GraphIo.Register(type, typeMapping, codec.Read, codec.Write);
    }

    private interface IKeyedCodec
    {
        object Read(Stream stream, DeserializerSession session);

        void Write(Stream stream, object value, SerializerSession session);
    }

    private static void WriteComparer<T>(Stream stream, IEqualityComparer<T> comparer, SerializerSession session)
    {
        var code = WellKnownComparers.CodeOf(comparer, out var culture, out var options);
        stream.WriteByte(code);
        if (code == WellKnownComparers.Culture)
        {
            WireFormat.WriteString(stream, culture!.Name);
            WireFormat.WriteInt32(stream, (int)options);
        }
        else if (code == WellKnownComparers.Shipped)
        {
            GraphIo.WriteObject(stream, comparer, session);
        }
    }

    private static IEqualityComparer<T>? ReadComparer<T>(Stream stream, DeserializerSession session)
    {
        var code = WireFormat.ReadByte(stream);
        object? comparer;
        if (code == WellKnownComparers.Shipped)
        {
            comparer = GraphIo.ReadObject(stream, session);
        }
        else if (code == WellKnownComparers.Culture)
        {
            var name = WireFormat.ReadString(stream);
            comparer = WellKnownComparers.Create(code, name, (CompareOptions)WireFormat.ReadInt32(stream));
        }
        else
        {
            comparer = WellKnownComparers.Create(code, null, CompareOptions.None);
        }

        return comparer is null or IEqualityComparer<T>
            ? (IEqualityComparer<T>?)comparer
            : throw new PayloadFormatException($"comparer {comparer.GetType()} does not compare {typeof(T)}");
    }

    private sealed class DictionaryCodec<TKey, TValue> : IKeyedCodec
        where TKey : notnull
    {
        public void Write(Stream stream, object value, SerializerSession session)
        {
            var dictionary = (Dictionary<TKey, TValue>)value;
            session.TrackSerializedObject(dictionary);
            WriteComparer(stream, dictionary.Comparer, session);
            WireFormat.WriteVarUInt(stream, (uint)dictionary.Count);
            foreach (var (key, item) in dictionary)
            {
                GraphIo.WriteObject(stream, key, session);
                GraphIo.WriteObject(stream, item, session);
            }
        }

        public object Read(Stream stream, DeserializerSession session)
        {
            var comparer = ReadComparer<TKey>(stream, session);
            var count = WireFormat.ReadCount(stream, 2);
            var dictionary = new Dictionary<TKey, TValue>(count, comparer);
            session.TrackDeserializedObject(dictionary);
            for (var i = 0; i < count; i++)
            {
                var key = GraphIo.ReadObject(stream, session);
                var item = GraphIo.ReadObject(stream, session);
                if (key is not TKey typedKey || (item is not TValue && item is not null))
                {
                    throw new PayloadFormatException($"dictionary entry does not match {typeof(Dictionary<TKey, TValue>)}");
                }

                dictionary[typedKey] = (TValue)item!;
            }

            return dictionary;
        }
    }

    private sealed class HashSetCodec<T> : IKeyedCodec
    {
        public void Write(Stream stream, object value, SerializerSession session)
        {
            var set = (HashSet<T>)value;
            session.TrackSerializedObject(set);
            WriteComparer(stream, set.Comparer, session);
            WireFormat.WriteVarUInt(stream, (uint)set.Count);
            foreach (var item in set)
            {
                GraphIo.WriteObject(stream, item, session);
            }
        }

        public object Read(Stream stream, DeserializerSession session)
        {
            var comparer = ReadComparer<T>(stream, session);
            var count = WireFormat.ReadCount(stream, 1);
            var set = new HashSet<T>(count, comparer);
            session.TrackDeserializedObject(set);
            for (var i = 0; i < count; i++)
            {
                var item = GraphIo.ReadObject(stream, session);
                if (item is not T && item is not null)
                {
                    throw new PayloadFormatException($"set element does not match {typeof(HashSet<T>)}");
                }

                set.Add((T)item!);
            }

            return set;
        }
    }
}
