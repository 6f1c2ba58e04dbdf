using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace BatchPool.Codec;

/// <summary>Writes and reads the values of one type (what follows the type reference of a <see cref="GraphTag.Value"/>).</summary>
internal abstract class ValueCodec
{
    public abstract void Write(GraphWriter writer, object value);

    /// <summary>Reads a value of <paramref name="type"/> (the type the writer named).</summary>
    public abstract object Read(GraphReader reader, Type type);
}

/// <summary>Chooses the codec of a type, once per type.</summary>
internal static class ValueCodecs
{
    private static readonly ConcurrentDictionary<Type, ValueCodec> Codecs = MetadataCaches.Create<Type, ValueCodec>();

    /// <summary>
    /// True for framework types written by what describes them (a culture's name, a regular expression's pattern) rather
    /// than by their fields, which hold state of the writing process: the graph inspector does not walk them.
    /// </summary>
    public static bool IsWrittenByDescription(Type type) => type == typeof(CultureInfo) || type == typeof(CompareInfo) || IsRegex(type);

    /// <summary>
    /// Whether <paramref name="type"/> is <see cref="Regex"/>, asked by namespace first: naming the type loads its
    /// assembly, which a process that uses no regular expression (a fresh worker) would load for nothing.
    /// </summary>
    private static bool IsRegex(Type type) => type.Namespace == "System.Text.RegularExpressions" && IsRegexType(type);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsRegexType(Type type) => type == typeof(Regex);

    public static ValueCodec For(Type type) => Codecs.TryGetValue(type, out var codec) ? codec : Codecs.GetOrAdd(type, Choose);

    private static ValueCodec Choose(Type type)
    {
        if (type == typeof(string))
        {
            return StringCodec.Instance;
        }

        if (typeof(Type).IsAssignableFrom(type))
        {
            return TypeValueCodec.Instance;
        }

        if (TypeLayout.IsRawCopyable(type))
        {
            return new UnmanagedCodec(type);
        }

        if (type.IsArray)
        {
            return RawArrayCodec.Handles(type) ? new RawArrayCodec(type)
                : type.IsSZArray ? new VectorCodec(type)
                : new MultiDimensionalArrayCodec(type);
        }

        if (typeof(Delegate).IsAssignableFrom(type))
        {
            return DelegateCodec.Instance;
        }

        if (typeof(Exception).IsAssignableFrom(type) || type.IsPointer || type.IsByRef || type.IsAbstract || type.ContainsGenericParameters)
        {
            throw new PayloadFormatException($"{type} cannot be a value in a payload");
        }

        if (IsWrittenByDescription(type))
        {
            return IsRegex(type) ? RegexCodec.Instance : CultureCodec.Instance;
        }

        if (typeof(StringComparer).IsAssignableFrom(type) && !AssemblyKind.IsUser(type.Assembly))
        {
            return new StringComparerCodec(type);
        }

        return KeyedCollectionCodecs.For(type) ?? new FieldsCodec(type);
    }
}

/// <summary>
/// The fields a codec copies: every instance field up the hierarchy, in declaration order, minus native pointers and
/// fields marked <see cref="NonSerializedAttribute"/>.
/// </summary>
internal static class CopiedFields
{
    private const BindingFlags InstanceFields = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    // A native pointer means nothing in another process: a framework type's pointer fields arrive as zero (the
    // inspector refuses those of user types before anything is written).
    /// <param name="type">The type whose fields to list.</param>
    /// <param name="stopAt">A base type whose fields (and its bases') are left out, or null for all.</param>
    public static FieldInfo[] Of(Type type, Type? stopAt = null)
    {
        var levels = new List<FieldInfo[]>();
        for (var level = type; level is not null && level != typeof(object) && level != stopAt; level = level.BaseType)
        {
            // Array.Sort, not OrderBy: LINQ's sorter over int keys is compiled at run time in a fresh process.
            var fields = level.GetFields(InstanceFields).Where(IsCopied).ToArray();
            Array.Sort(fields, static (a, b) => a.MetadataToken.CompareTo(b.MetadataToken));
            levels.Add(fields);
        }

        levels.Reverse();
        return [.. levels.SelectMany(l => l)];
    }

    /// <summary>
    /// False for fields marked <see cref="NonSerializedAttribute"/> (their owner says they hold state of this process, as
    /// with .NET's own formatters: they arrive as their default) and for native pointers.
    /// </summary>
    public static bool IsCopied(FieldInfo field) => !IsLeftBehind(field) && !IsPointer(field.FieldType);

    /// <summary>True for a field marked <see cref="NonSerializedAttribute"/>: never shipped, so never refused either.</summary>
    public static bool IsLeftBehind(FieldInfo field) => field.IsDefined(typeof(NonSerializedAttribute), inherit: false);

    private static bool IsPointer(Type type) =>
        type.IsPointer || type.IsFunctionPointer || type == typeof(IntPtr) || type == typeof(UIntPtr);
}
