using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace BatchPool.Codec;

/// <summary>
/// Hash-based collections as comparer + entries, rebuilt on the reader: their buckets depend on hash codes, which
/// differ between processes (string hashing is randomized per process), so a field-by-field copy would lose entries.
/// Comparers are kept (a case-insensitive dictionary stays case-insensitive): the default one is the reader's, others are
/// values of the graph.
/// </summary>
internal static class KeyedCollectionCodecs
{
    // Enumerable.ToLookup's result, internal to System.Linq.
    private static readonly Type? LookupDefinition = typeof(Enumerable).Assembly.GetType("System.Linq.Lookup`2");

    /// <summary>
    /// The codec definition of an immutable or frozen collection's, else null. Apart, and asked only for types of their
    /// namespaces: naming these types loads System.Collections.Immutable, which a process that uses none (a fresh
    /// worker) would load for nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Type? ImmutableCodecFor(Type definition) =>
        definition == typeof(ImmutableDictionary<,>) ? typeof(ImmutableDictionaryCodec<,>)
        : definition == typeof(ImmutableHashSet<>) ? typeof(ImmutableHashSetCodec<>)
        // Frozen collections are internal subclasses chosen by their contents: read back as whatever the factory makes
        // of the same entries and comparer.
        : definition == typeof(FrozenDictionary<,>) ? typeof(FrozenDictionaryCodec<,>)
        : definition == typeof(FrozenSet<>) ? typeof(FrozenSetCodec<>)
        : null;

    /// <summary>
    /// The codec of <paramref name="type"/> when it is one of these collections or derives from one (a user's
    /// <c>class Index : Dictionary&lt;string, int&gt;</c> keeps its type and its own fields), else null.
    /// </summary>
    public static ValueCodec? For(Type type)
    {
        if (type == typeof(Hashtable))
        {
            return new HashtableCodec();
        }

        for (var level = type; level is not null; level = level.BaseType)
        {
            if (!level.IsConstructedGenericType)
            {
                continue;
            }

            var definition = level.GetGenericTypeDefinition();
            var codec = definition == typeof(Dictionary<,>) ? typeof(DictionaryCodec<,>)
                : definition == typeof(HashSet<>) ? typeof(HashSetCodec<>)
                : definition == typeof(OrderedDictionary<,>) ? typeof(OrderedDictionaryCodec<,>)
                : definition == typeof(ConcurrentDictionary<,>) ? typeof(ConcurrentDictionaryCodec<,>)
                : definition.Namespace is "System.Collections.Immutable" or "System.Collections.Frozen" ? ImmutableCodecFor(definition)
                // ToLookup's lookups are internal subclasses chosen by their contents: read back as whatever the factory
                // makes of the same entries and comparer.
                : definition == LookupDefinition ? typeof(LookupCodec<,>)
                : null;
            if (codec is not null)
            {
                // The mutable ones can be derived from (a user's subclass keeps its type and fields); the others are
                // sealed, or have internal subclasses that are rebuilt, not copied.
                var derivable = definition == typeof(Dictionary<,>) || definition == typeof(HashSet<>)
                                || definition == typeof(OrderedDictionary<,>) || definition == typeof(ConcurrentDictionary<,>);
                return (ValueCodec)(derivable
                    ? Activator.CreateInstance(codec.MakeGenericType(level.GenericTypeArguments), type)!
                    : Activator.CreateInstance(codec.MakeGenericType(level.GenericTypeArguments))!);
            }
        }

        return null;
    }

    // A comparer is 0 for the reader's own default, or 1 and a value of the graph (the framework's string comparers are
    // written by code there: see StringComparerCodec).
    private const byte DefaultComparer = 0;
    private const byte OtherComparer = 1;

    private static void WriteComparer<T>(GraphWriter writer, IEqualityComparer<T> comparer)
    {
        if (ReferenceEquals(comparer, EqualityComparer<T>.Default))
        {
            writer.Stream.WriteByte(DefaultComparer);
            return;
        }

        writer.Stream.WriteByte(OtherComparer);
        writer.WriteObject(comparer);
    }

    private static IEqualityComparer<T>? ReadComparer<T>(GraphReader reader)
    {
        var form = WireFormat.ReadByte(reader.Stream);
        if (form == DefaultComparer)
        {
            return null;
        }

        var comparer = form == OtherComparer ? reader.ReadObject() : throw new PayloadFormatException($"unknown comparer form {form}");
        return comparer as IEqualityComparer<T>
               ?? throw new PayloadFormatException($"comparer {comparer?.GetType().ToString() ?? "null"} does not compare {typeof(T)}");
    }

    private static void WriteEntries<TKey, TValue>(GraphWriter writer, int count, IEnumerable<KeyValuePair<TKey, TValue>> entries)
    {
        WireFormat.WriteVarUInt(writer.Stream, (uint)count);
        var written = 0;
        foreach (var (key, value) in entries)
        {
            writer.WriteObject(key);
            writer.WriteObject(value);
            written++;
        }

        if (written != count)
        {
            throw new InvalidOperationException($"a {entries.GetType()} changed while it was being written");
        }
    }

    private static void ReadEntries<TKey, TValue>(GraphReader reader, Action<TKey, TValue> add)
    {
        var count = WireFormat.ReadCount(reader.Stream, 2);
        for (var i = 0; i < count; i++)
        {
            add(Cast<TKey>(reader.ReadObject()), Cast<TValue>(reader.ReadObject()));
        }
    }

    private static void WriteItems<T>(GraphWriter writer, int count, IEnumerable<T> items)
    {
        WireFormat.WriteVarUInt(writer.Stream, (uint)count);
        foreach (var item in items)
        {
            writer.WriteObject(item);
        }
    }

    private static void ReadItems<T>(GraphReader reader, Action<T> add)
    {
        var count = WireFormat.ReadCount(reader.Stream, 1);
        for (var i = 0; i < count; i++)
        {
            add(Cast<T>(reader.ReadObject()));
        }
    }

    private static T Cast<T>(object? value) =>
        value is T typed ? typed
        : value is null && default(T) is null ? default!
        : throw new PayloadFormatException($"a collection element of type {value?.GetType().ToString() ?? "null"} is not a {typeof(T)}");

    /// <summary>A mutable dictionary type (or a user's subclass of it): comparer, entries, then the subclass's own fields.</summary>
    private abstract class MutableDictionaryCodec<TDictionary, TKey, TValue>(Type type) : ValueCodec
        where TDictionary : class
        where TKey : notnull
    {
        private readonly Subtype _subtype = new(type, typeof(TDictionary), [typeof(IEqualityComparer<TKey>)]);

        public override void Write(GraphWriter writer, object value)
        {
            var dictionary = (TDictionary)value;
            writer.Track(dictionary);
            WriteComparer(writer, ComparerOf(dictionary));
            var entries = EntriesOf(dictionary);
            WriteEntries(writer, entries.Count, entries);
            _subtype.WriteFields(writer, dictionary);
        }

        public override object Read(GraphReader reader, Type type)
        {
            var id = reader.Reserve();
            var comparer = ReadComparer<TKey>(reader);
            var dictionary = _subtype.IsExact ? Create(comparer) : (TDictionary)_subtype.Create(comparer);
            reader.Fill(id, dictionary);
            ReadEntries<TKey, TValue>(reader, (key, item) => Set(dictionary, key, item));
            _subtype.ReadFields(reader, dictionary);
            return dictionary;
        }

        protected abstract IEqualityComparer<TKey> ComparerOf(TDictionary dictionary);

        protected abstract IReadOnlyCollection<KeyValuePair<TKey, TValue>> EntriesOf(TDictionary dictionary);

        protected abstract TDictionary Create(IEqualityComparer<TKey>? comparer);

        protected abstract void Set(TDictionary dictionary, TKey key, TValue value);
    }

    private sealed class DictionaryCodec<TKey, TValue>(Type type) : MutableDictionaryCodec<Dictionary<TKey, TValue>, TKey, TValue>(type)
        where TKey : notnull
    {
        protected override IEqualityComparer<TKey> ComparerOf(Dictionary<TKey, TValue> dictionary) => dictionary.Comparer;

        protected override IReadOnlyCollection<KeyValuePair<TKey, TValue>> EntriesOf(Dictionary<TKey, TValue> dictionary) => dictionary;

        protected override Dictionary<TKey, TValue> Create(IEqualityComparer<TKey>? comparer) => new(comparer);

        protected override void Set(Dictionary<TKey, TValue> dictionary, TKey key, TValue value) => dictionary[key] = value;
    }

    private sealed class OrderedDictionaryCodec<TKey, TValue>(Type type) : MutableDictionaryCodec<OrderedDictionary<TKey, TValue>, TKey, TValue>(type)
        where TKey : notnull
    {
        protected override IEqualityComparer<TKey> ComparerOf(OrderedDictionary<TKey, TValue> dictionary) => dictionary.Comparer;

        protected override IReadOnlyCollection<KeyValuePair<TKey, TValue>> EntriesOf(OrderedDictionary<TKey, TValue> dictionary) => dictionary;

        protected override OrderedDictionary<TKey, TValue> Create(IEqualityComparer<TKey>? comparer) => new(comparer);

        protected override void Set(OrderedDictionary<TKey, TValue> dictionary, TKey key, TValue value) => dictionary[key] = value;
    }

    private sealed class ConcurrentDictionaryCodec<TKey, TValue>(Type type) : MutableDictionaryCodec<ConcurrentDictionary<TKey, TValue>, TKey, TValue>(type)
        where TKey : notnull
    {
        protected override IEqualityComparer<TKey> ComparerOf(ConcurrentDictionary<TKey, TValue> dictionary) => dictionary.Comparer;

        // A snapshot: the dictionary may change while it is written.
        protected override IReadOnlyCollection<KeyValuePair<TKey, TValue>> EntriesOf(ConcurrentDictionary<TKey, TValue> dictionary) => dictionary.ToArray();

        protected override ConcurrentDictionary<TKey, TValue> Create(IEqualityComparer<TKey>? comparer) => new(comparer);

        protected override void Set(ConcurrentDictionary<TKey, TValue> dictionary, TKey key, TValue value) => dictionary[key] = value;
    }

    private sealed class HashSetCodec<T>(Type type) : ValueCodec
    {
        private readonly Subtype _subtype = new(type, typeof(HashSet<T>), [typeof(IEqualityComparer<T>)]);

        public override void Write(GraphWriter writer, object value)
        {
            var set = (HashSet<T>)value;
            writer.Track(set);
            WriteComparer(writer, set.Comparer);
            WriteItems(writer, set.Count, set);
            _subtype.WriteFields(writer, set);
        }

        public override object Read(GraphReader reader, Type type)
        {
            var id = reader.Reserve();
            var comparer = ReadComparer<T>(reader);
            var set = _subtype.IsExact ? new HashSet<T>(comparer) : (HashSet<T>)_subtype.Create(comparer);
            reader.Fill(id, set);
            ReadItems<T>(reader, item => set.Add(item));
            _subtype.ReadFields(reader, set);
            return set;
        }
    }

    private sealed class FrozenDictionaryCodec<TKey, TValue> : ValueCodec
        where TKey : notnull
    {
        public override void Write(GraphWriter writer, object value)
        {
            var dictionary = (FrozenDictionary<TKey, TValue>)value;
            writer.Track(dictionary);
            WriteComparer(writer, dictionary.Comparer);
            WriteEntries(writer, dictionary.Count, dictionary);
        }

        public override object Read(GraphReader reader, Type type)
        {
            var id = reader.Reserve();
            var comparer = ReadComparer<TKey>(reader);
            var entries = new List<KeyValuePair<TKey, TValue>>();
            ReadEntries<TKey, TValue>(reader, (key, item) => entries.Add(new(key, item)));
            var dictionary = entries.ToFrozenDictionary(comparer);
            reader.Fill(id, dictionary);
            return dictionary;
        }
    }

    /// <summary>
    /// What a user's subclass of a collection type adds: its type, created without running its own constructor (as every
    /// class is read) but with the collection's, and its own fields, written after the entries.
    /// </summary>
    private sealed class Subtype
    {
        private readonly Type _type;
        private readonly FieldsCodec? _fields;
        private readonly ConstructorInfo? _collectionConstructor;

        public Subtype(Type type, Type collection, Type[] constructorParameters)
        {
            _type = type;
            if (type != collection)
            {
                _fields = new FieldsCodec(type, stopAt: collection);
                _collectionConstructor = collection.GetConstructor(constructorParameters)
                                         ?? throw new MissingMethodException(collection.FullName, ".ctor");
            }
        }

        public bool IsExact => _fields is null;

        public object Create(params object?[] arguments)
        {
            var value = RuntimeHelpers.GetUninitializedObject(_type);
            _collectionConstructor!.Invoke(value, arguments);
            return value;
        }

        public void WriteFields(GraphWriter writer, object value) => _fields?.WriteFields(writer, value);

        public void ReadFields(GraphReader reader, object value) => _fields?.ReadFields(reader, value);
    }

    // Immutable collections are complete only after their entries: a reference to one from inside its own entries fails the read.
    private sealed class ImmutableDictionaryCodec<TKey, TValue> : ValueCodec
        where TKey : notnull
    {
        public override void Write(GraphWriter writer, object value)
        {
            var dictionary = (ImmutableDictionary<TKey, TValue>)value;
            writer.Track(dictionary);
            WriteComparer(writer, dictionary.KeyComparer);
            WriteComparer(writer, dictionary.ValueComparer);
            WriteEntries(writer, dictionary.Count, dictionary);
        }

        public override object Read(GraphReader reader, Type type)
        {
            var id = reader.Reserve();
            var builder = ImmutableDictionary.CreateBuilder(ReadComparer<TKey>(reader), ReadComparer<TValue>(reader));
            ReadEntries<TKey, TValue>(reader, (key, item) => builder[key] = item);
            var dictionary = builder.ToImmutable();
            reader.Fill(id, dictionary);
            return dictionary;
        }
    }

    /// <summary>A set that is complete only once built from its items (immutable, frozen): comparer, then the items.</summary>
    private abstract class RebuiltSetCodec<TSet, T> : ValueCodec
        where TSet : class, IReadOnlyCollection<T>
    {
        public override void Write(GraphWriter writer, object value)
        {
            var set = (TSet)value;
            writer.Track(set);
            WriteComparer(writer, ComparerOf(set));
            WriteItems(writer, set.Count, set);
        }

        public override object Read(GraphReader reader, Type type)
        {
            var id = reader.Reserve();
            var comparer = ReadComparer<T>(reader);
            var items = new List<T>();
            ReadItems<T>(reader, items.Add);
            var set = Build(items, comparer);
            reader.Fill(id, set);
            return set;
        }

        protected abstract IEqualityComparer<T> ComparerOf(TSet set);

        protected abstract TSet Build(List<T> items, IEqualityComparer<T>? comparer);
    }

    private sealed class ImmutableHashSetCodec<T> : RebuiltSetCodec<ImmutableHashSet<T>, T>
    {
        protected override IEqualityComparer<T> ComparerOf(ImmutableHashSet<T> set) => set.KeyComparer;

        protected override ImmutableHashSet<T> Build(List<T> items, IEqualityComparer<T>? comparer) => items.ToImmutableHashSet(comparer);
    }

    private sealed class FrozenSetCodec<T> : RebuiltSetCodec<FrozenSet<T>, T>
    {
        protected override IEqualityComparer<T> ComparerOf(FrozenSet<T> set) => set.Comparer;

        protected override FrozenSet<T> Build(List<T> items, IEqualityComparer<T>? comparer) => items.ToFrozenSet(comparer);
    }

    private sealed class HashtableCodec : ValueCodec
    {
        public override void Write(GraphWriter writer, object value)
        {
            var table = (Hashtable)value;
            writer.Track(table);
            writer.WriteObject(KeyComparer(table));
            WireFormat.WriteVarUInt(writer.Stream, (uint)table.Count);
            foreach (DictionaryEntry entry in table)
            {
                writer.WriteObject(entry.Key);
                writer.WriteObject(entry.Value);
            }
        }

        public override object Read(GraphReader reader, Type type)
        {
            var id = reader.Reserve();
            var comparer = reader.ReadObject();
            var table = comparer is null or IEqualityComparer
                ? new Hashtable((IEqualityComparer?)comparer)
                : throw new PayloadFormatException($"{comparer.GetType()} is not an equality comparer");
            reader.Fill(id, table);
            ReadEntries<object, object?>(reader, (key, item) => table[key] = item);
            return table;
        }

        [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_keycomparer")]
        private static extern ref IEqualityComparer? KeyComparer(Hashtable table);
    }

    /// <summary>An <see cref="ILookup{TKey,TElement}"/> from <c>ToLookup</c>: comparer, then each group's key and elements, in order.</summary>
    private sealed class LookupCodec<TKey, TElement> : ValueCodec
    {
        private static readonly FieldInfo ComparerField = LookupDefinition!.MakeGenericType(typeof(TKey), typeof(TElement))
            .GetField("_comparer", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new MissingFieldException("System.Linq.Lookup`2", "_comparer");

        public override void Write(GraphWriter writer, object value)
        {
            var lookup = (ILookup<TKey, TElement>)value;
            writer.Track(lookup);
            WriteComparer(writer, (IEqualityComparer<TKey>?)ComparerField.GetValue(lookup) ?? EqualityComparer<TKey>.Default);
            WireFormat.WriteVarUInt(writer.Stream, (uint)lookup.Count);
            foreach (var group in lookup)
            {
                writer.WriteObject(group.Key);
                var elements = group.ToArray();
                WriteItems(writer, elements.Length, elements);
            }
        }

        public override object Read(GraphReader reader, Type type)
        {
            var id = reader.Reserve();
            var comparer = ReadComparer<TKey>(reader);
            var count = WireFormat.ReadCount(reader.Stream, 2);
            var pairs = new List<KeyValuePair<TKey, TElement>>();
            for (var i = 0; i < count; i++)
            {
                var key = Cast<TKey>(reader.ReadObject());
                ReadItems<TElement>(reader, element => pairs.Add(new(key, element)));
            }

            var lookup = pairs.ToLookup(p => p.Key, p => p.Value, comparer);
            reader.Fill(id, lookup);
            return lookup;
        }
    }
}
