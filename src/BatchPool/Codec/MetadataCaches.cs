using System.Collections.Concurrent;
using System.Reflection;

namespace BatchPool.Codec;

/// <summary>
/// The process-wide caches of what is computed once per type, method or assembly. They hold their keys strongly, which
/// would keep a collectible load context's code loaded for good: a worker that serves one executor after another
/// (<c>serve</c>, recycled between executors) loads each executor's shipped code into a collectible context, and forgets
/// that code's entries here (<see cref="ForgetCollectible"/>) before unloading it. Lookups cost nothing more than the
/// dictionary's.
/// </summary>
internal static class MetadataCaches
{
    private static readonly Lock Gate = new();
    private static readonly List<Action> Forgetters = [];

    /// <summary>A cache keyed by types, methods or assemblies; registered to forget its collectible entries.</summary>
    public static ConcurrentDictionary<TKey, TValue> Create<TKey, TValue>()
        where TKey : notnull =>
        Create<TKey, TValue>(static key => key switch
        {
            MemberInfo member => member.IsCollectible,
            Assembly assembly => assembly.IsCollectible,
            _ => throw new ArgumentException($"A metadata cache's key must be a type, a member or an assembly, not {key.GetType()}."),
        });

    /// <summary>A cache whose keys say by <paramref name="isCollectible"/> whether they name collectible code.</summary>
    public static ConcurrentDictionary<TKey, TValue> Create<TKey, TValue>(Func<TKey, bool> isCollectible)
        where TKey : notnull
    {
        var cache = new ConcurrentDictionary<TKey, TValue>();
        lock (Gate)
        {
            Forgetters.Add(() =>
            {
                // A concurrent dictionary may be changed while it is enumerated.
                foreach (var key in cache.Keys)
                {
                    if (isCollectible(key))
                    {
                        cache.TryRemove(key, out _);
                    }
                }
            });
        }
        return cache;
    }

    /// <summary>Removes every entry whose key names collectible code, so that its load context can unload.</summary>
    public static void ForgetCollectible()
    {
        Action[] forgetters;
        lock (Gate)
        {
            forgetters = [.. Forgetters];
        }
        foreach (var forget in forgetters)
        {
            forget();
        }
    }
}
