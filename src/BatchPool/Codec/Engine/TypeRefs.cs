namespace BatchPool.Codec;

/// <summary>
/// Writes and reads type references compactly: each type once per payload (assembly simple name + full name, or
/// generic definition + arguments, or element type + rank), then by index.
/// </summary>
internal static class TypeRefs
{
    private const byte Previous = 0;
    private const byte Named = 1;
    private const byte Generic = 2;
    private const byte Vector = 3;
    private const byte MultiArray = 4;

    public static void Write(Stream stream, Type type, CodecWriteSession session)
    {
        if (session.WrittenTypes.TryGetValue(type, out var index))
        {
            stream.WriteByte(Previous);
            WireFormat.WriteVarUInt(stream, (uint)index);
            return;
        }

        if (type.IsConstructedGenericType)
        {
            stream.WriteByte(Generic);
            Write(stream, type.GetGenericTypeDefinition(), session);
            var arguments = type.GenericTypeArguments;
            WireFormat.WriteVarUInt(stream, (uint)arguments.Length);
            foreach (var argument in arguments)
            {
                Write(stream, argument, session);
            }
        }
        else if (type.IsSZArray)
        {
            stream.WriteByte(Vector);
            Write(stream, type.GetElementType()!, session);
        }
        else if (type.IsArray)
        {
            stream.WriteByte(MultiArray);
            Write(stream, type.GetElementType()!, session);
            stream.WriteByte((byte)type.GetArrayRank());
        }
        else if (type.IsGenericParameter || type.IsByRef || type.IsPointer || type.FullName is null)
        {
            throw new NotSupportedException($"type {type} cannot be named in a payload");
        }
        else
        {
            stream.WriteByte(Named);
            WireFormat.WriteString(stream, type.Assembly.GetName().Name);
            WireFormat.WriteString(stream, type.FullName);
        }

        session.WrittenTypes[type] = session.WrittenTypes.Count;
    }

    public static Type ReadRequired(Stream stream, CodecReadSession session) => Read(stream, session).Required;

    /// <summary>Reads a type reference; the type is null (and the name kept) when this process cannot load it.</summary>
    public static ResolvedType Read(Stream stream, CodecReadSession session, int depth = 0)
    {
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
                    return index < (uint)session.ReadTypes.Count
                        ? session.ReadTypes[(int)index]
                        : throw new PayloadFormatException($"type reference {index} points nowhere");
                }

            case Named:
                {
                    var assembly = WireFormat.ReadRequiredString(stream);
                    var name = WireFormat.ReadRequiredString(stream);
                    result = new ResolvedType(session.Resolver.TryResolve(assembly, name), $"{name}, {assembly}");
                    break;
                }

            case Generic:
                {
                    var definition = Read(stream, session, depth + 1);
                    var count = WireFormat.ReadCount(stream, 2);
                    var arguments = new ResolvedType[count];
                    for (var i = 0; i < count; i++)
                    {
                        arguments[i] = Read(stream, session, depth + 1);
                    }

                    var name = $"{definition.Name}[{string.Join(", ", arguments.Select(a => $"[{a.Name}]"))}]";
                    Type? type = null;
                    if (definition.Type is { IsGenericTypeDefinition: true } d && arguments.All(a => a.Type is not null) && d.GetGenericArguments().Length == count)
                    {
                        try
                        {
                            type = d.MakeGenericType(arguments.Select(a => a.Type!).ToArray());
                        }
                        catch (ArgumentException)
                        {
                            // Constraint violation: only a forged payload can name this.
                            throw new PayloadFormatException($"{name} is not a valid generic instantiation");
                        }
                    }

                    result = new ResolvedType(type, name);
                    break;
                }

            case Vector:
                {
                    var element = Read(stream, session, depth + 1);
                    result = new ResolvedType(element.Type?.MakeArrayType(), element.Name + "[]");
                    break;
                }

            case MultiArray:
                {
                    var element = Read(stream, session, depth + 1);
                    var rank = WireFormat.ReadByte(stream);
                    if (rank is < 1 or > 32)
                    {
                        throw new PayloadFormatException($"array rank {rank} is invalid");
                    }

                    result = new ResolvedType(element.Type?.MakeArrayType(rank), $"{element.Name}[{new string(',', rank - 1)}]");
                    break;
                }

            default:
                throw new PayloadFormatException($"unknown type reference tag {tag}");
        }

        session.ReadTypes.Add(result);
        return result;
    }
}
