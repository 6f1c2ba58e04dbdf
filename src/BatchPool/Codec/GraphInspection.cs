using System.Reflection;

namespace BatchPool.Codec;

/// <summary>What the inspector found in a graph that can be shipped.</summary>
internal sealed class GraphInspection(IReadOnlyList<Assembly> userAssemblies, int objectCount, IReadOnlyDictionary<Array, string>? largeArrayPaths = null)
{
    /// <summary>Where each raw array of <see cref="LargeValue.Threshold"/> bytes and more sits in the graph (null: none).</summary>
    public IReadOnlyDictionary<Array, string>? LargeArrayPaths { get; } = largeArrayPaths;

    /// <summary>User assemblies (outside the shared framework) of every type and method the graph names, in first-seen order.</summary>
    public IReadOnlyList<Assembly> UserAssemblies { get; } = userAssemblies;

    /// <summary>How many objects the graph holds (a hint for the stack depth serialization may need).</summary>
    public int ObjectCount { get; } = objectCount;
}
