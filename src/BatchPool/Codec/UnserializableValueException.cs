namespace BatchPool;

/// <summary>
/// Thrown when a call, its arguments or its result hold a value that only makes sense in this process (a stream, a
/// thread, a task, an OS handle, a pointer, a compiled expression…) and so cannot be shipped to another process.
/// </summary>
public sealed class UnserializableValueException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">Where the value sits in the shipped graph, e.g. <c>closure.Target.fs</c>.</param>
    /// <param name="valueType">The type of the value that cannot be shipped.</param>
    /// <param name="reason">Why it cannot be shipped and what to capture instead.</param>
    public UnserializableValueException(string path, Type valueType, string reason)
        : base($"Cannot ship {path} ({valueType.FullName ?? valueType.Name}): {reason}")
    {
        Path = path;
        ValueType = valueType;
    }

    /// <summary>Where the value sits in the shipped graph, e.g. <c>closure.Target.fs</c>.</summary>
    public string Path { get; }

    /// <summary>The type of the value that cannot be shipped.</summary>
    public Type ValueType { get; }
}
