namespace BatchPool.Codec;

/// <summary>
/// Writes one object graph into a payload's body: every value as a tag (<see cref="GraphTag"/>), then, for a new
/// value, its type reference and what its <see cref="ValueCodec"/> writes. Reference-type objects get ids in the order
/// they are written (see <see cref="Track"/>), so shared references and cycles arrive as they left.
/// </summary>
internal sealed class GraphWriter(Stream stream, BlobWriter? blobs, GraphInspector inspector)
{
    private readonly Tables _tables = ThreadSpare<Tables>.Take();

    public Stream Stream { get; } = stream;

    /// <summary>Where large primitive arrays go; null writes them inline (nested graphs).</summary>
    public BlobWriter? Blobs { get; } = blobs;

    /// <summary>Decides which optional parts (exception fields) can be shipped.</summary>
    public GraphInspector Inspector { get; } = inspector;

    /// <summary>Types written in this payload, by index after the well-known ones, so each name is written once.</summary>
    public Dictionary<Type, int> WrittenTypes => _tables.Types;

    /// <summary>Writes a value of any type: null, a reference to an object already written, or a new value.</summary>
    public void WriteObject(object? value)
    {
        if (value is null)
        {
            Stream.WriteByte(GraphTag.Null);
            return;
        }

        var type = value.GetType();
        if (!type.IsValueType)
        {
            if (_tables.Ids.Count > 0 && _tables.Ids.TryGetValue(value, out var id))
            {
                Stream.WriteByte(GraphTag.Reference);
                WireFormat.WriteVarUInt(Stream, (uint)id);
                return;
            }

            if (value is Exception exception)
            {
                Stream.WriteByte(GraphTag.Exception);
                ExceptionCodec.Write(this, exception);
                return;
            }
        }

        Stream.WriteByte(GraphTag.Value);
        TypeRefs.Write(this, type);
        ValueCodecs.For(type).Write(this, value);
    }

    public bool TryGetObjectId(object value, out int id) => _tables.Ids.TryGetValue(value, out id);

    /// <summary>
    /// Gives <paramref name="value"/> the next object id. Every codec tracks the objects it writes at the point where
    /// its reader tracks (or reserves) them, so both sides number objects alike.
    /// </summary>
    public void Track(object value) => _tables.Ids.Add(value, _tables.Ids.Count);

    /// <summary>A writer for a separate graph (its own ids and type table) that shares this one's settings, minus blobs.</summary>
    public GraphWriter Nested(Stream nested) => new(nested, blobs: null, Inspector);

    /// <summary>Ends the writer after a graph was written: its tables, emptied, serve the thread's next writer.</summary>
    public void Release()
    {
        if (_tables.Ids.Count > ThreadSpare<Tables>.KeptUpTo || _tables.Types.Count > ThreadSpare<Tables>.KeptUpTo)
        {
            return;
        }
        _tables.Ids.Clear();
        _tables.Types.Clear();
        ThreadSpare<Tables>.Give(_tables);
    }

    private sealed class Tables
    {
        public Dictionary<object, int> Ids { get; } = new(ReferenceEqualityComparer.Instance);

        public Dictionary<Type, int> Types { get; } = [];
    }
}

/// <summary>The first byte of every value in a body.</summary>
internal static class GraphTag
{
    public const byte Null = 0;

    /// <summary>An object written before in this graph: its id follows (varint).</summary>
    public const byte Reference = 1;

    /// <summary>A new value: its type reference, then its codec's bytes.</summary>
    public const byte Value = 2;

    /// <summary>A new exception: the exception codec's bytes (the type may not load on the reader, see <see cref="ExceptionCodec"/>).</summary>
    public const byte Exception = 3;
}
