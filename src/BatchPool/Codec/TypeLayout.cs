using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace BatchPool.Codec;

/// <summary>Cached facts about how values of a type are laid out in memory.</summary>
internal static class TypeLayout
{
    private static readonly ConcurrentDictionary<Type, int> Sizes = MetadataCaches.Create<Type, int>();
    private static readonly ConcurrentDictionary<Type, bool> RawCopyable = MetadataCaches.Create<Type, bool>();

    /// <summary>The size in bytes of one element of an unmanaged type (what an array stores per element).</summary>
    public static int UnsafeSize(this Type type) =>
        Sizes.GetOrAdd(type, static t => (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(t).Invoke(null, null)!);

    /// <summary>
    /// True for element types whose arrays can be shipped as raw bytes: value types without object references and
    /// without native pointers (whose values mean nothing in another process).
    /// </summary>
    public static bool IsRawCopyable(Type type) => RawCopyable.GetOrAdd(type, static t => ComputeRawCopyable(t, 0));

    private static bool ComputeRawCopyable(Type type, int depth)
    {
        if (!type.IsValueType || type.IsPointer || type == typeof(IntPtr) || type == typeof(UIntPtr) || depth > 16)
        {
            return false;
        }

        if (type.IsPrimitive || type.IsEnum)
        {
            return true;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Nullable<>))
        {
            return false;
        }

        if (RuntimeHelpersContainsReferences(type))
        {
            return false;
        }

        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (field.FieldType.IsPointer || field.FieldType.IsFunctionPointer || !ComputeRawCopyable(field.FieldType, depth + 1))
            {
                return false;
            }
        }

        return true;
    }

    private static bool RuntimeHelpersContainsReferences(Type type) =>
        (bool)typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.IsReferenceOrContainsReferences))!
            .MakeGenericMethod(type).Invoke(null, null)!;
}
