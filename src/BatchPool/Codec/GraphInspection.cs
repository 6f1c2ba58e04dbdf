using System.Reflection;

namespace BatchPool.Codec;

/// <summary>What the inspector found in a graph that can be shipped.</summary>
internal sealed class GraphInspection(IReadOnlyList<Assembly> userAssemblies, int objectCount)
{
    /// <summary>User assemblies (outside the shared framework) of every type and method the graph names, in first-seen order.</summary>
    public IReadOnlyList<Assembly> UserAssemblies { get; } = userAssemblies;

    /// <summary>How many objects the graph holds (a hint for the stack depth serialization may need).</summary>
    public int ObjectCount { get; } = objectCount;
}
