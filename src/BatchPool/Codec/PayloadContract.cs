using System.Reflection;

namespace BatchPool.Codec;

/// <summary>What a payload holds; written in its header so that a reader never mistakes one for another.</summary>
internal enum PayloadKind : byte
{
    /// <summary>A <see cref="JobInput"/>: the function and the argument lists of one job.</summary>
    JobInput = 1,

    /// <summary>A <see cref="JobOutput"/>: the outcome of each call of one job.</summary>
    JobOutput = 2,

    /// <summary>A <c>string[]</c> naming the shipped assemblies a job needs; read before the job's input.</summary>
    CodeManifest = 3,
}

/// <summary>
/// The input of one job: one function and the argument lists of its calls (one list for <c>Submit</c>,
/// a chunk of lists for <c>Map</c>). The function is stored once per job, not once per call.
/// </summary>
internal sealed class JobInput(Delegate function, object?[][] calls)
{
    public Delegate Function { get; } = function;

    public object?[][] Calls { get; } = calls;
}

/// <summary>The outcome of one call: its value, or the exception it threw.</summary>
internal sealed class CallOutcome(object? value, Exception? error)
{
    public object? Value { get; } = value;

    public Exception? Error { get; } = error;
}

/// <summary>
/// The output of one job: one outcome per call, in order. A job stops at its first failing call, so
/// <see cref="Outcomes"/> may be shorter than the job's calls; its last element then holds the error.
/// </summary>
internal sealed class JobOutput(CallOutcome[] outcomes)
{
    public CallOutcome[] Outcomes { get; } = outcomes;
}

/// <summary>An encoded payload and the user assemblies (outside the shared framework) its graph refers to.</summary>
internal sealed class EncodedPayload(byte[] bytes, IReadOnlyList<Assembly> userAssemblies, IReadOnlyList<LargeValue>? largeValues = null)
{
    /// <summary>The large values the payload names by hash instead of carrying: to be stored before a worker reads it.</summary>
    public IReadOnlyList<LargeValue> LargeValues { get; } = largeValues ?? [];

    public byte[] Bytes { get; } = bytes;

    /// <summary>Assemblies, outside the .NET shared framework, of every type and method the graph names.</summary>
    public IReadOnlyList<Assembly> UserAssemblies { get; } = userAssemblies;
}
