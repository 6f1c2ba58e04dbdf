using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace BatchPool.Codec;

/// <summary>Access to the private state of <see cref="Exception"/> the codec rebuilds, and the fields of subclasses it copies.</summary>
internal static class ExceptionFields
{
    private static readonly ConcurrentDictionary<Type, FieldInfo[]> Extra = MetadataCaches.Create<Type, FieldInfo[]>();

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_message")]
    public static extern ref string? Message(Exception exception);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_innerException")]
    public static extern ref Exception? Inner(Exception exception);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_source")]
    public static extern ref string? Source(Exception exception);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_HResult")]
    public static extern ref int HResult(Exception exception);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_innerExceptions")]
    public static extern ref Exception[] AggregateInner(AggregateException exception);

    /// <summary>
    /// Fields declared below <see cref="Exception"/> (e.g. a user exception's <c>Code</c>, <c>ArgumentException._paramName</c>),
    /// except the aggregate list, which is written as inner exceptions. Never CoreLib's own Exception fields: its
    /// <c>_stackTrace</c> holds raw addresses of the writing process.
    /// </summary>
    public static FieldInfo[] DeclaredBelowException(Type type) => Extra.GetOrAdd(type, static t =>
    {
        var fields = new List<FieldInfo>();
        for (var level = t; level is not null && level != typeof(Exception); level = level.BaseType)
        {
            if (level == typeof(AggregateException))
            {
                continue;
            }

            fields.AddRange(level.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(CopiedFields.IsCopied)
                .OrderBy(f => f.MetadataToken));
        }

        return [.. fields];
    });

    public static string KeyOf(FieldInfo field) => field.DeclaringType!.Name + "." + field.Name;
}
