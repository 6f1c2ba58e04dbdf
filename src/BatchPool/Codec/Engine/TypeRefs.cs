using System.Collections.Concurrent;

namespace BatchPool.Codec;

/// <summary>
/// Writes and reads type references compactly: each type once per payload (assembly simple name + full name, or
/// generic definition + arguments, or element type + rank), then by index. Indexes below
/// <see cref="WellKnown"/>'s count name the well-known types without ever writing their names.
/// </summary>
internal static class TypeRefs
{
    /// <summary>Types every payload may name by index alone. Part of the format: change it only with the format version.</summary>
    public static readonly Type[] WellKnown =
    [
        typeof(object), typeof(string), typeof(bool), typeof(char), typeof(sbyte), typeof(byte), typeof(short), typeof(ushort),
        typeof(int), typeof(uint), typeof(long), typeof(ulong), typeof(float), typeof(double), typeof(decimal),
        typeof(DateTime), typeof(DateTimeOffset), typeof(TimeSpan), typeof(Guid), typeof(Type).GetType(),
        typeof(object[]), typeof(object[][]), typeof(int[]), typeof(double[]), typeof(byte[]), typeof(string[]),
        typeof(JobInput), typeof(JobOutput), typeof(CallOutcome), typeof(CallOutcome[]),
    ];

    private static readonly Dictionary<Type, int> WellKnownIndexes = IndexesOf(WellKnown);
    private static readonly ConcurrentDictionary<Type, Type[]> GenericArguments = MetadataCaches.Create<Type, Type[]>();

    private const byte Previous = 0;
    private const byte Named = 1;
    private const byte Generic = 2;
    private const byte Vector = 3;
    private const byte MultiArray = 4;

    public static void Write(GraphWriter writer, Type type)
    {
        var stream = writer.Stream;
        if (WellKnownIndexes.TryGetValue(type, out var index) || writer.WrittenTypes.TryGetValue(type, out index))
        {
            stream.WriteByte(Previous);
            WireFormat.WriteVarUInt(stream, (uint)index);
            return;
        }

        if (type.IsConstructedGenericType)
        {
            stream.WriteByte(Generic);
            Write(writer, type.GetGenericTypeDefinition());
            var arguments = GenericArgumentsOf(type);
            WireFormat.WriteVarUInt(stream, (uint)arguments.Length);
            foreach (var argument in arguments)
            {
                Write(writer, argument);
            }
        }
        else if (type.IsSZArray)
        {
            stream.WriteByte(Vector);
            Write(writer, type.GetElementType()!);
        }
        else if (type.IsArray)
        {
            stream.WriteByte(MultiArray);
            Write(writer, type.GetElementType()!);
            stream.WriteByte((byte)type.GetArrayRank());
        }
        else if (type.IsGenericParameter || type.IsByRef || type.IsPointer || type.FullName is null)
        {
            throw new NotSupportedException($"type {type} cannot be named in a payload");
        }
        else
        {
            stream.WriteByte(Named);
            WireFormat.WriteString(stream, AssemblyIdentity.Of(type.Assembly).SimpleName);
            WireFormat.WriteString(stream, type.FullName);
        }

        writer.WrittenTypes[type] = WellKnown.Length + writer.WrittenTypes.Count;
    }

    public static Type ReadRequired(GraphReader reader) => Read(reader).Required;

    /// <summary>Reads a type reference; the type is null (and the name kept) when this process cannot load it.</summary>
    public static ResolvedType Read(GraphReader reader, int depth = 0)
    {
        var stream = reader.Stream;
        if (depth > 64)
        {
            throw new PayloadFormatException("type reference nested too deeply");
        }

        var tag = WireFormat.ReadByte(stream);
        ResolvedType result;
        switch (tag)
        {
            case Previous:
                {
                    var index = WireFormat.ReadVarUInt(stream);
                    return index < (uint)WellKnown.Length
                        ? new ResolvedType(WellKnown[index], null)
                        : index - (uint)WellKnown.Length < (uint)reader.ReadTypes.Count
                        ? reader.ReadTypes[(int)(index - (uint)WellKnown.Length)]
                        : throw new PayloadFormatException($"type reference {index} points nowhere");
                }

            case Named:
                {
                    var assembly = WireFormat.ReadRequiredString(stream);
                    var name = WireFormat.ReadRequiredString(stream);
                    // The written name is kept only for messages about a type that did not load.
                    var type = reader.Resolver.TryResolve(assembly, name);
                    result = new ResolvedType(type, type is null ? $"{name}, {assembly}" : null);
                    break;
                }

            case Generic:
                {
                    var definition = Read(reader, depth + 1);
                    var count = WireFormat.ReadCount(stream, 2);
                    var arguments = new ResolvedType[count];
                    var argumentTypes = new Type[count];
                    var allLoaded = true;
                    for (var i = 0; i < count; i++)
                    {
                        arguments[i] = Read(reader, depth + 1);
                        if (arguments[i].Type is { } argumentType)
                        {
                            argumentTypes[i] = argumentType;
                        }
                        else
                        {
                            allLoaded = false;
                        }
                    }

                    Type? type = null;
                    if (allLoaded && definition.Type is { IsGenericTypeDefinition: true } d)
                    {
                        type = reader.Resolver.MakeGenericType(d, argumentTypes);
                    }

                    // The name is for messages about a type this process cannot load.
                    var name = type is null ? $"{definition.Name}[{string.Join(", ", arguments.Select(a => $"[{a.Name}]"))}]" : null;
                    result = new ResolvedType(type, name);
                    break;
                }

            case Vector:
                {
                    var element = Read(reader, depth + 1);
                    result = element.Type is { } elementType ? new ResolvedType(elementType.MakeArrayType(), null) : new ResolvedType(null, element.Name + "[]");
                    break;
                }

            case MultiArray:
                {
                    var element = Read(reader, depth + 1);
                    var rank = WireFormat.ReadByte(stream);
                    if (rank is < 1 or > 32)
                    {
                        throw new PayloadFormatException($"array rank {rank} is invalid");
                    }

                    result = element.Type is { } elementType
                        ? new ResolvedType(elementType.MakeArrayType(rank), null)
                        : new ResolvedType(null, $"{element.Name}[{new string(',', rank - 1)}]");
                    break;
                }

            default:
                throw new PayloadFormatException($"unknown type reference tag {tag}");
        }

        reader.ReadTypes.Add(result);
        return result;
    }

    /// <summary>A constructed type's arguments, kept: <see cref="Type.GenericTypeArguments"/> builds a new array at every call.</summary>
    private static Type[] GenericArgumentsOf(Type type) =>
        GenericArguments.TryGetValue(type, out var arguments) ? arguments : GenericArguments.GetOrAdd(type, static t => t.GenericTypeArguments);

    private static Dictionary<Type, int> IndexesOf(Type[] types)
    {
        var indexes = new Dictionary<Type, int>(types.Length);
        for (var i = 0; i < types.Length; i++)
        {
            indexes.Add(types[i], i);
        }

        return indexes;
    }
}
