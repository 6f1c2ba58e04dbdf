namespace BatchPool.Codec;

/// <summary>How the graph inspector walks a value.</summary>
internal enum ShapeKind
{
    /// <summary>Walk the fields that may hold references.</summary>
    Object,

    /// <summary>No references inside: primitives, strings, raw-copyable structs and their arrays.</summary>
    Leaf,

    /// <summary>An array of references or of structs with references: walk the elements.</summary>
    Array,

    /// <summary>Check each method of the invocation list, walk the targets.</summary>
    Delegate,

    /// <summary>Walk inner exceptions; shippable subclass fields only (the others are dropped, not refused).</summary>
    Exception,

    /// <summary>A <see cref="Type"/> value: shipped by name.</summary>
    TypeValue,
}
