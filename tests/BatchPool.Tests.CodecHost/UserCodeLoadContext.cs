using System.Reflection;
using System.Runtime.Loader;

namespace BatchPool.Tests.CodecHost;

/// <summary>Loads user assemblies from one directory; everything else (BatchPool, the framework) comes from the default context.</summary>
internal sealed class UserCodeLoadContext(string directory) : AssemblyLoadContext("user code", isCollectible: false)
{
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var path = Path.Combine(directory, assemblyName.Name + ".dll");
        return assemblyName.Name?.StartsWith("BatchPool.Tests.UserCode", StringComparison.Ordinal) == true && File.Exists(path)
            ? LoadFromAssemblyPath(path)
            : null;
    }
}
