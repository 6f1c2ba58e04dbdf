namespace BatchPool.Codec;

/// <summary>A type named in a payload: its name, and the type itself when this process can load it.</summary>
internal readonly record struct ResolvedType(Type? Type, string Name)
{
    public Type Required => Type ?? throw new PayloadFormatException($"type {Name} cannot be loaded in this process");
}
