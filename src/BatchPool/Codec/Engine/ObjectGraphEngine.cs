namespace BatchPool.Codec;

/// <summary>
/// The codec's object-graph engine: every value as a tag, a type reference and its type's <see cref="ValueCodec"/>
/// (docs/payload-format.md, "Body"). Reference tracking by identity (shared references and cycles round-trip), no
/// version tolerance (the codec pins user builds by MVID). It uses reflection only: nothing is compiled at run time,
/// so a fresh worker process starts decoding at once.
/// </summary>
internal sealed class ObjectGraphEngine(GraphInspector inspector) : IObjectGraphEngine
{
    public void Serialize(object? graph, Stream body, BlobWriter blobs)
    {
        var writer = new GraphWriter(body, blobs, inspector);
        writer.WriteObject(graph);
        writer.Release();
    }

    public object? Deserialize(Stream body, BlobReader blobs, TypeResolver resolver)
    {
        var reader = new GraphReader(body, blobs, resolver);
        var value = reader.ReadObject();
        reader.Release();
        if (body.Position != body.Length)
        {
            throw new PayloadFormatException($"{body.Length - body.Position} bytes follow the graph");
        }

        return value;
    }
}
