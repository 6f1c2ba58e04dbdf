using System.Collections.Concurrent;
using System.Reflection;

namespace BatchPool.Codec;

/// <summary>What the graph inspector needs to know about a type, computed once per type.</summary>
internal sealed class TypeShape
{
    private const BindingFlags InstanceFields = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
    private static readonly ConcurrentDictionary<Type, TypeShape> Shapes = MetadataCaches.Create<Type, TypeShape>();

    private TypeShape(Type type)
    {
        if (typeof(Type).IsAssignableFrom(type))
        {
            Kind = ShapeKind.TypeValue;
            return;
        }

        Refusal = ProcessLocalTypes.ReasonFor(type);
        UserAssemblies = AssembliesOf(type);
        if (Refusal is not null)
        {
            return;
        }

        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || TypeLayout.IsRawCopyable(type)
            || ValueCodecs.IsWrittenByDescription(type))
        {
            Kind = ShapeKind.Leaf;
        }
        else if (type.IsArray)
        {
            Kind = type.IsSZArray && TypeLayout.IsRawCopyable(type.GetElementType()!) ? ShapeKind.Leaf : ShapeKind.Array;
            RawElementSize = Kind == ShapeKind.Leaf ? type.GetElementType()!.UnsafeSize() : 0;
        }
        else if (typeof(Delegate).IsAssignableFrom(type))
        {
            Kind = ShapeKind.Delegate;
        }
        else if (typeof(Exception).IsAssignableFrom(type))
        {
            Kind = ShapeKind.Exception;
        }
        else
        {
            Kind = ShapeKind.Object;
            var walked = new List<FieldInfo>();
            var names = new List<string>();
            var isUser = AssemblyKind.IsUser(type.Assembly);
            for (var level = type; level is not null; level = level.BaseType)
            {
                foreach (var field in level.GetFields(InstanceFields))
                {
                    if (CopiedFields.IsLeftBehind(field))
                    {
                        continue;
                    }

                    var fieldType = field.FieldType;
                    if (isUser && (fieldType.IsPointer || fieldType.IsFunctionPointer || fieldType == typeof(IntPtr) || fieldType == typeof(UIntPtr)))
                    {
                        PointerField ??= DisplayName(field.Name);
                        continue;
                    }

                    if (fieldType.IsPrimitive || fieldType.IsEnum || fieldType.IsPointer || fieldType.IsFunctionPointer || fieldType == typeof(string)
                        || (fieldType.IsValueType && TypeLayout.IsRawCopyable(fieldType)))
                    {
                        if (fieldType.IsValueType && !fieldType.IsPrimitive)
                        {
                            UserAssemblies = [.. UserAssemblies.Union(AssembliesOf(fieldType))];
                        }

                        continue;
                    }

                    walked.Add(field);
                    names.Add("." + DisplayName(field.Name));
                }
            }

            Fields = [.. walked];
            FieldPaths = [.. names];
        }
    }

    public ShapeKind Kind { get; }

    /// <summary>For a one-dimensional array written as raw bytes, its element's size; else 0.</summary>
    public int RawElementSize { get; }

    /// <summary>Why values of this type cannot be shipped; null when they can.</summary>
    public string? Refusal { get; }

    /// <summary>The name of a native-pointer field of a user type, which cannot be shipped.</summary>
    public string? PointerField { get; }

    /// <summary>User assemblies the type's name mentions (itself, generic arguments, element and base types).</summary>
    public Assembly[] UserAssemblies { get; } = [];

    /// <summary>Fields that may hold references, to walk.</summary>
    public FieldInfo[] Fields { get; } = [];

    /// <summary>Each of <see cref="Fields"/> as a segment of a path to a value: a dot and the field's display name.</summary>
    public string[] FieldPaths { get; } = [];

    public static TypeShape Of(Type type) => Shapes.GetOrAdd(type, static t => new TypeShape(t));

    public static Assembly[] AssembliesOf(Type type)
    {
        var found = new List<Assembly>();
        Collect(type, found, 0);
        return [.. found];
    }

    private static void Collect(Type type, List<Assembly> found, int depth)
    {
        if (depth > 32 || type.IsGenericParameter)
        {
            return;
        }

        if (type.HasElementType)
        {
            Collect(type.GetElementType()!, found, depth + 1);
            return;
        }

        if (type.IsConstructedGenericType)
        {
            foreach (var argument in type.GenericTypeArguments)
            {
                Collect(argument, found, depth + 1);
            }
        }

        for (var level = type; level is not null && level != typeof(object); level = level.BaseType)
        {
            if (AssemblyKind.IsUser(level.Assembly) && !found.Contains(level.Assembly))
            {
                found.Add(level.Assembly);
            }
        }
    }

    /// <summary>The name a user wrote for a field the compiler renamed: <c>&lt;&gt;4__this</c> is <c>this</c>, <c>&lt;Name&gt;k__BackingField</c> is <c>Name</c>.</summary>
    public static string DisplayName(string fieldName)
    {
        if (fieldName == "<>4__this")
        {
            return "this";
        }

        if (fieldName.StartsWith("CS$<>8__locals", StringComparison.Ordinal))
        {
            return "outer";
        }

        if (fieldName.StartsWith('<'))
        {
            var end = fieldName.IndexOf('>', StringComparison.Ordinal);
            if (end > 1)
            {
                return fieldName[1..end];
            }
        }

        return fieldName;
    }
}
