using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace BatchPool.Codec;

/// <summary>
/// Resolves assembly and type names in one <see cref="AssemblyLoadContext"/>: the contextual reflection context of the
/// decoding thread (see <see cref="AssemblyLoadContext.EnterContextualReflection(Assembly)"/>), else the default one.
/// </summary>
internal sealed class TypeResolver
{
    private static readonly ConditionalWeakTable<AssemblyLoadContext, TypeResolver> PerContext = new();

    private readonly ConcurrentDictionary<string, Assembly> _assemblies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Exception> _loadFailures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(Assembly Assembly, string Name), Type> _types = new();
    private readonly ConcurrentDictionary<(Type Type, int Token), MethodInfo> _methods = new();

    private TypeResolver(AssemblyLoadContext context)
    {
        Context = context;
    }

    public AssemblyLoadContext Context { get; }

    /// <summary>The resolver of the calling thread's contextual reflection context.</summary>
    public static TypeResolver Current
    {
        get
        {
            var context = AssemblyLoadContext.CurrentContextualReflectionContext ?? AssemblyLoadContext.Default;
            return PerContext.GetValue(context, static c => new TypeResolver(c));
        }
    }

    /// <summary>The assembly with this simple name in the context, or null; only successes are cached (a context may learn to load it later).</summary>
    public Assembly? TryLoadAssembly(string simpleName)
    {
        if (_assemblies.TryGetValue(simpleName, out var cached))
        {
            return cached;
        }

        try
        {
            var loaded = Context.LoadFromAssemblyName(new AssemblyName(simpleName));
            _assemblies[simpleName] = loaded;
            return loaded;
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException or ArgumentException)
        {
            _loadFailures[simpleName] = e;
            return null;
        }
    }

    /// <summary>Why the last attempt to load <paramref name="simpleName"/> failed, for error messages; null if none did.</summary>
    public Exception? LoadFailureOf(string simpleName) => _loadFailures.GetValueOrDefault(simpleName);

    public Type? TryResolve(string assemblyName, string typeName)
    {
        var assembly = TryLoadAssembly(assemblyName);
        return assembly is null
            ? null
            : _types.TryGetValue((assembly, typeName), out var cached) ? cached : CacheType(assembly, typeName);
    }

    private Type? CacheType(Assembly assembly, string typeName)
    {
        var type = assembly.GetType(typeName, throwOnError: false, ignoreCase: false);
        if (type is not null)
        {
            _types[(assembly, typeName)] = type;
        }

        return type;
    }

    /// <summary>The method with a metadata token, as a member of <paramref name="declaringType"/> (which may be a constructed generic type).</summary>
    public MethodInfo ResolveMethod(Type declaringType, int token) => _methods.GetOrAdd((declaringType, token), static key =>
    {
        var definition = key.Type.Module.ResolveMethod(key.Token) as MethodInfo
                         ?? throw new PayloadFormatException($"token {key.Token:X8} in {key.Type} is not a method");
        return key.Type.IsConstructedGenericType
            ? (MethodInfo)key.Type.GetMemberWithSameMetadataDefinitionAs(definition)
            : definition;
    });
}
