namespace BatchPool.Codec;

/// <summary>Reads one object graph written by <see cref="GraphWriter"/>, resolving type names with one <see cref="TypeResolver"/>.</summary>
internal sealed class GraphReader(Stream stream, BlobReader blobs, TypeResolver resolver)
{
    // Objects by id; null while an object is reserved but not yet created (see Reserve).
    private readonly List<object?> _objects = [];

    public Stream Stream { get; } = stream;

    public BlobReader Blobs { get; } = blobs;

    public TypeResolver Resolver { get; } = resolver;

    /// <summary>Types read so far in this payload, by index after the well-known ones; the type is null where it cannot be loaded.</summary>
    public List<ResolvedType> ReadTypes { get; } = [];

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
    public void Track(object value) => _objects.Add(value);

    /// <summary>
    /// Takes the next object id for an object that can only be created after some of its parts are read (a
    /// dictionary after its comparer); <see cref="Fill"/> sets it. A reference to it before then is an error.
    /// </summary>
    public int Reserve()
    {
        _objects.Add(null);
        return _objects.Count - 1;
    }

    public void Fill(int id, object value) => _objects[id] = value;

    public object GetObject(uint id) =>
        id < (uint)_objects.Count
            ? _objects[(int)id] ?? throw new PayloadFormatException($"object {id} is referenced from inside its own parts, before it exists")
            : throw new PayloadFormatException($"object reference {id} points nowhere");

    /// <summary>A reader for a separate graph (its own ids and type table) in the same load context, without blobs.</summary>
    public GraphReader Nested(Stream nested) => new(nested, BlobReader.Empty, Resolver);
}
