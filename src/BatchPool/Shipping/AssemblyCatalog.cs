using System.Collections.Concurrent;
using System.Reflection;
using BatchPool.Codec;

namespace BatchPool.Shipping;

/// <summary>
/// Decides which assemblies a job needs shipped: those its graph names and everything they reference, except the .NET
/// shared framework (every worker has it) and BatchPool with its own dependencies (the worker is built with them).
/// </summary>
internal static class AssemblyCatalog
{
    private static readonly ConcurrentDictionary<Assembly, IReadOnlyList<Assembly>> Closures = new();

    /// <summary>
    /// The simple names the default load context binds to shared framework files, from the host's trusted platform
    /// assemblies (an application's own newer copy of a framework assembly is not among them): a reference of these is
    /// known to need no shipping without loading it, as the walks below did for every framework reference of the
    /// user's code and of BatchPool (tens of assemblies, milliseconds of a new client's first Submit).
    /// </summary>
    private static readonly HashSet<string> DefaultFramework = FindDefaultFramework();

    private static readonly HashSet<string> WorkerProvided = FindWorkerProvided();

    public static bool NeedsShipping(Assembly assembly) =>
        !AssemblyKind.IsSharedFramework(assembly) && !WorkerProvided.Contains(AssemblyIdentity.Of(assembly).SimpleName);

    /// <summary>The assemblies to ship for <paramref name="root"/>: it and its references, transitively, that need it.</summary>
    public static IReadOnlyList<Assembly> ClosureOf(Assembly root) => Closures.GetOrAdd(root, static r =>
    {
        var found = new List<Assembly>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>();
        pending.Push(r);
        while (pending.TryPop(out var assembly))
        {
            if (!seen.Add(AssemblyIdentity.Of(assembly).SimpleName) || !NeedsShipping(assembly))
            {
                continue;
            }
            found.Add(assembly);
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (!seen.Contains(reference.Name!) && !IsDefaultFramework(assembly, reference) && TryLoad(assembly, reference) is { } loaded)
                {
                    pending.Push(loaded);
                }
            }
        }
        return found;
    });

    /// <summary>Whether the reference, made from an assembly of the default context, binds to a shared framework file there.</summary>
    private static bool IsDefaultFramework(Assembly referrer, AssemblyName reference) =>
        reference.Name is { } name && DefaultFramework.Contains(name)
        && (System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(referrer) ?? System.Runtime.Loader.AssemblyLoadContext.Default) == System.Runtime.Loader.AssemblyLoadContext.Default;

    private static HashSet<string> FindDefaultFramework()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string files)
        {
            foreach (var file in files.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                if (AssemblyKind.IsSharedFrameworkFile(file))
                {
                    names.Add(Path.GetFileNameWithoutExtension(file));
                }
            }
        }
        return names;
    }

    private static Assembly? TryLoad(Assembly referrer, AssemblyName reference)
    {
        try
        {
            var context = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(referrer)
                ?? System.Runtime.Loader.AssemblyLoadContext.Default;
            return context.LoadFromAssemblyName(reference);
        }
#pragma warning disable CA1031 // A reference the client cannot load is one its code never uses; the worker will say so if it does.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private static HashSet<string> FindWorkerProvided()
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { "BatchPool.Worker" };
        var pending = new Stack<Assembly>();
        pending.Push(typeof(PayloadCodec).Assembly);
        while (pending.TryPop(out var assembly))
        {
            if (AssemblyKind.IsSharedFramework(assembly) || !names.Add(AssemblyIdentity.Of(assembly).SimpleName))
            {
                continue;
            }
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (!IsDefaultFramework(assembly, reference) && TryLoad(assembly, reference) is { } loaded)
                {
                    pending.Push(loaded);
                }
            }
        }
        return names;
    }
}
