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
                if (!seen.Contains(reference.Name!) && TryLoad(assembly, reference) is { } loaded)
                {
                    pending.Push(loaded);
                }
            }
        }
        return found;
    });

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
                if (TryLoad(assembly, reference) is { } loaded)
                {
                    pending.Push(loaded);
                }
            }
        }
        return names;
    }
}
