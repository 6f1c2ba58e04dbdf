namespace BatchPool.Codec;

/// <summary>
/// Turns an object graph into the body of a payload and back. The codec owns the envelope (header, assembly table,
/// MAC); an engine only owns the body, so it can be replaced without touching the codec's callers.
/// </summary>
internal interface IObjectGraphEngine
{
    /// <summary>Writes <paramref name="graph"/> to <paramref name="body"/>; large primitive arrays may go to <paramref name="blobs"/> instead.</summary>
    void Serialize(object? graph, Stream body, BlobWriter blobs);

    /// <summary>
    /// Reads a graph from <paramref name="body"/>, resolving type names with <paramref name="resolver"/> (the caller's
    /// contextual load context). Throws <see cref="PayloadFormatException"/> (or the engine's own exceptions) on bad input.
    /// </summary>
    object? Deserialize(Stream body, BlobReader blobs, TypeResolver resolver);
}
