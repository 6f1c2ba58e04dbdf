using System.Reflection;

namespace BatchPool.Codec;

/// <summary>
/// A load context that holds shipped assemblies of its own (the worker's): the codec asks it first for an assembly a
/// payload names, before the runtime's resolution by name.
/// </summary>
internal interface IShippedAssemblies
{
    /// <summary>The shipped assembly with this simple name, loaded into the context; null when none was shipped by that name.</summary>
    Assembly? TryLoadShipped(string simpleName);
}
