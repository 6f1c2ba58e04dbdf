using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;

namespace BatchPool.Codec;

/// <summary>Tells user assemblies (which the reader must load in the very same build) from the ones every process has.</summary>
internal static class AssemblyKind
{
    private static readonly ConcurrentDictionary<Assembly, bool> UserAssemblies = MetadataCaches.Create<Assembly, bool>();
    private static readonly string RuntimeDirectory = Path.GetFullPath(RuntimeEnvironment.GetRuntimeDirectory());

    // The shared frameworks (Microsoft.NETCore.App, Microsoft.AspNetCore.App…) live side by side under dotnet/shared.
    private static readonly string SharedRoot = Path.GetFullPath(Path.Combine(RuntimeDirectory, "..", ".."));
    /// <summary>BatchPool itself: every worker brings its own copy, which must be the client's build.</summary>
    public static readonly Assembly Library = typeof(AssemblyKind).Assembly;

    /// <summary>
    /// True for assemblies outside the .NET shared framework and BatchPool: the user's code and the
    /// packages it uses, which a worker must load in the writer's exact build.
    /// </summary>
    public static bool IsUser(Assembly assembly) => UserAssemblies.GetOrAdd(assembly, static a =>
    {
        if (a == Library || a.IsDynamic)
        {
            return false;
        }

        return !IsSharedFramework(a);
    });

    /// <summary>True for assemblies of a .NET shared framework, which every process of this runtime version has.</summary>
    public static bool IsSharedFramework(Assembly assembly) => IsSharedFrameworkFile(assembly.IsDynamic ? "" : assembly.Location);

    /// <summary>True for a file of a .NET shared framework.</summary>
    public static bool IsSharedFrameworkFile(string location)
    {
        if (location.Length == 0)
        {
            return false;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(location)) + Path.DirectorySeparatorChar;
        return directory.StartsWith(SharedRoot, StringComparison.Ordinal)
               || string.Equals(directory, RuntimeDirectory.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}
