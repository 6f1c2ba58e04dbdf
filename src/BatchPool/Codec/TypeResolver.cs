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
    // Keyed by records (classes), not value tuples: dictionary code over classes comes precompiled with the framework.
    private readonly ConcurrentDictionary<TypeName, Type> _types = new();
    private readonly ConcurrentDictionary<MethodToken, MethodInfo> _methods = new();
    private readonly ConcurrentDictionary<GenericInstance, Type> _generics = new();

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

    /// <summary>
    /// Drops the resolver of a context being unloaded: it refers to the context's types, and an unloading context is held
    /// until they are collected.
    /// </summary>
    public static void Forget(AssemblyLoadContext context) => PerContext.Remove(context);

    /// <summary>The assembly with this simple name in the context, or null; only successes are cached (a context may learn to load it later).</summary>
    public Assembly? TryLoadAssembly(string simpleName)
    {
        if (_assemblies.TryGetValue(simpleName, out var cached))
        {
            return cached;
        }

        try
        {
            var loaded = (Context as IShippedAssemblies)?.TryLoadShipped(simpleName) ?? Context.LoadFromAssemblyName(new AssemblyName(simpleName));
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
            : _types.TryGetValue(new TypeName(assembly, typeName), out var cached) ? cached : CacheType(assembly, typeName);
    }

    private Type? CacheType(Assembly assembly, string typeName)
    {
        var type = assembly.GetType(typeName, throwOnError: false, ignoreCase: false);
        if (type is not null)
        {
            _types[new TypeName(assembly, typeName)] = type;
        }

        return type;
    }

    /// <summary>The method with a metadata token, as a member of <paramref name="declaringType"/> (which may be a constructed generic type).</summary>
    public MethodInfo ResolveMethod(Type declaringType, int token) => _methods.GetOrAdd(new MethodToken(declaringType, token), static key =>
    {
        var definition = key.Type.Module.ResolveMethod(key.Token) as MethodInfo
                         ?? throw new PayloadFormatException($"token {key.Token:X8} in {key.Type} is not a method");
        return key.Type.IsConstructedGenericType
            ? (MethodInfo)key.Type.GetMemberWithSameMetadataDefinitionAs(definition)
            : definition;
    });

    /// <summary><see cref="Type.MakeGenericType"/>, cached: it is a slow call, and a map's payloads name the same types again and again.</summary>
    public Type MakeGenericType(Type definition, Type[] arguments)
    {
        var key = new GenericInstance(definition, arguments);
        if (_generics.TryGetValue(key, out var cached))
        {
            return cached;
        }

        if (definition.GetGenericArguments().Length != arguments.Length)
        {
            throw new PayloadFormatException($"{definition} takes {definition.GetGenericArguments().Length} type arguments, not {arguments.Length}");
        }

        try
        {
            return _generics.GetOrAdd(key, definition.MakeGenericType(arguments));
        }
        catch (ArgumentException)
        {
            // Constraint violation: only a forged payload can name this.
            throw new PayloadFormatException($"{definition} over [{string.Join(", ", arguments.Select(a => a.ToString()))}] is not a valid generic instantiation");
        }
    }

    private sealed record TypeName(Assembly Assembly, string Name);

    private sealed record MethodToken(Type Type, int Token);

    private sealed class GenericInstance(Type definition, Type[] arguments) : IEquatable<GenericInstance>
    {
        private readonly Type _definition = definition;
        private readonly Type[] _arguments = arguments;

        public bool Equals(GenericInstance? other) => other is not null && _definition == other._definition && _arguments.AsSpan().SequenceEqual(other._arguments);

        public override bool Equals(object? obj) => obj is GenericInstance other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.Add(_definition);
            foreach (var argument in _arguments)
            {
                hash.Add(argument);
            }

            return hash.ToHashCode();
        }
    }
}
