namespace BatchPool.Codec;

/// <summary>Reads one object graph written by <see cref="GraphWriter"/>, resolving type names with one <see cref="TypeResolver"/>.</summary>
internal sealed class GraphReader(Stream stream, BlobReader blobs, TypeResolver resolver)
{
    private readonly Tables _tables = ThreadSpare<Tables>.Take();

    public Stream Stream { get; } = stream;

    public BlobReader Blobs { get; } = blobs;

    public TypeResolver Resolver { get; } = resolver;

    /// <summary>Types read so far in this payload, by index after the well-known ones; the type is null where it cannot be loaded.</summary>
    public List<ResolvedType> ReadTypes => _tables.Types;

    public object? ReadObject()
    {
        var tag = WireFormat.ReadByte(Stream);
        switch (tag)
        {
            case GraphTag.Null:
                return null;
            case GraphTag.Reference:
                return GetObject(WireFormat.ReadVarUInt(Stream));
            case GraphTag.Value:
                var type = TypeRefs.ReadRequired(this);
                return ValueCodecs.For(type).Read(this, type);
            case GraphTag.Exception:
                return ExceptionCodec.Read(this);
            default:
                throw new PayloadFormatException($"unknown value tag {tag}");
        }
    }

    /// <summary>Gives <paramref name="value"/> the next object id (see <see cref="GraphWriter.Track"/>).</summary>
    public void Track(object value) => _tables.Objects.Add(value);

    /// <summary>
    /// Takes the next object id for an object that can only be created after some of its parts are read (a
    /// dictionary after its comparer); <see cref="Fill"/> sets it. A reference to it before then is an error.
    /// </summary>
    public int Reserve()
    {
        _tables.Objects.Add(null);
        return _tables.Objects.Count - 1;
    }

    public void Fill(int id, object value) => _tables.Objects[id] = value;

    public object GetObject(uint id) =>
        id < (uint)_tables.Objects.Count
            ? _tables.Objects[(int)id] ?? throw new PayloadFormatException($"object {id} is referenced from inside its own parts, before it exists")
            : throw new PayloadFormatException($"object reference {id} points nowhere");

    /// <summary>A reader for a separate graph (its own ids and type table) in the same load context, without blobs.</summary>
    public GraphReader Nested(Stream nested) => new(nested, BlobReader.Empty, Resolver);

    /// <summary>Ends the reader after a graph was read: its tables, emptied (they must not keep the graph alive), serve the thread's next reader.</summary>
    public void Release()
    {
        if (_tables.Objects.Count > ThreadSpare<Tables>.KeptUpTo || _tables.Types.Count > ThreadSpare<Tables>.KeptUpTo)
        {
            return;
        }
        _tables.Objects.Clear();
        _tables.Types.Clear();
        ThreadSpare<Tables>.Give(_tables);
    }

    private sealed class Tables
    {
        // Objects by id; null while an object is reserved but not yet created (see Reserve).
        public List<object?> Objects { get; } = [];

        public List<ResolvedType> Types { get; } = [];
    }
}
