using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace BatchPool.Codec;

/// <summary>What the codec knows about the types of delegate targets (closures, <c>this</c> objects).</summary>
internal static class ClosureTargets
{
    private static readonly ConcurrentDictionary<Type, FieldInfo?> Singletons = MetadataCaches.Create<Type, FieldInfo?>();

    /// <summary>
    /// The static <c>&lt;&gt;9</c> field of the compiler's stateless lambda holder <c>&lt;&gt;c</c>: its instance is
    /// re-resolved on the reader, never copied.
    /// </summary>
    public static FieldInfo? SingletonField(Type type) => Singletons.GetOrAdd(type, static t =>
        t.IsDefined(typeof(CompilerGeneratedAttribute), false) && t.Name.StartsWith("<>c", StringComparison.Ordinal)
            ? t.GetField("<>9", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic) is { } f && f.FieldType == t ? f : null
            : null);

    public static bool IsStatelessSingleton(object target) =>
        SingletonField(target.GetType()) is { } field && ReferenceEquals(field.GetValue(null), target);

    /// <summary>
    /// The codec of a user class whose fields the delegate codec writes itself, so that the delegate can be created
    /// before the target's fields are read (a closure may hold the very delegate that points to it, e.g. a recursive
    /// lambda). Null for types left to their own codec (framework types, value types, strings, arrays, exceptions, delegates).
    /// </summary>
    public static FieldsCodec? OwnedCodec(Type type) =>
        type.IsClass && !type.IsArray && !type.IsAbstract && !typeof(Delegate).IsAssignableFrom(type) && !typeof(Exception).IsAssignableFrom(type)
        && AssemblyKind.IsUser(type.Assembly)
            ? ValueCodecs.For(type) as FieldsCodec
            : null;
}
