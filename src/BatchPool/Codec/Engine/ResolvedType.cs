namespace BatchPool.Codec;

/// <summary>A type named in a payload: the type itself when this process can load it, and its name.</summary>
/// <param name="Type">The type, or null when this process cannot load it.</param>
/// <param name="WrittenName">The name as written, when it was cheap to keep or the type did not load; else the type's own name stands in.</param>
internal readonly record struct ResolvedType(Type? Type, string? WrittenName)
{
    public string Name => WrittenName ?? Type?.ToString() ?? "?";

    public Type Required => Type ?? throw new PayloadFormatException($"type {Name} cannot be loaded in this process");
}
