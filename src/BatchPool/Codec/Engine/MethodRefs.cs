using System.Collections.Concurrent;
using System.Reflection;

namespace BatchPool.Codec;

/// <summary>
/// Writes and reads the identity of a method: declaring type (with generic arguments), metadata token and generic
/// method arguments. User assemblies are pinned to the writer's build by the header's MVID table, so their tokens are
/// exact; for framework methods the module MVID, name and signature are written too, as a fallback across patch builds.
/// </summary>
internal static class MethodRefs
{
    private static readonly ConcurrentDictionary<MethodInfo, string> Signatures = MetadataCaches.Create<MethodInfo, string>();

    public static void Write(GraphWriter writer, MethodInfo method)
    {
        var stream = writer.Stream;
        var declaringType = method.DeclaringType ?? throw new NotSupportedException($"global method {method.Name} cannot be shipped");
        TypeRefs.Write(writer, declaringType);
        WireFormat.WriteInt32(stream, method.MetadataToken);
        var genericArguments = method.IsGenericMethod ? method.GetGenericArguments() : Type.EmptyTypes;
        WireFormat.WriteVarUInt(stream, (uint)genericArguments.Length);
        foreach (var argument in genericArguments)
        {
            TypeRefs.Write(writer, argument);
        }

        if (AssemblyKind.IsUser(method.Module.Assembly))
        {
            stream.WriteByte(0);
            return;
        }

        stream.WriteByte(1);
        WireFormat.WriteGuid(stream, method.Module.ModuleVersionId);
        WireFormat.WriteString(stream, method.Name);
        WireFormat.WriteString(stream, SignatureOf(method));
    }

    public static MethodInfo Read(GraphReader reader)
    {
        var stream = reader.Stream;
        var declaringType = TypeRefs.ReadRequired(reader);
        var token = WireFormat.ReadInt32(stream);
        var count = WireFormat.ReadCount(stream, 2);
        var genericArguments = new Type[count];
        for (var i = 0; i < count; i++)
        {
            genericArguments[i] = TypeRefs.ReadRequired(reader);
        }

        MethodInfo method;
        if (WireFormat.ReadByte(stream) == 0)
        {
            method = reader.Resolver.ResolveMethod(declaringType, token);
        }
        else
        {
            var mvid = WireFormat.ReadGuid(stream);
            var name = WireFormat.ReadRequiredString(stream);
            var signature = WireFormat.ReadRequiredString(stream);
            method = declaringType.Module.ModuleVersionId == mvid
                ? reader.Resolver.ResolveMethod(declaringType, token)
                : FindBySignature(declaringType, name, signature);
        }

        if (method.IsGenericMethodDefinition != (count > 0) || (count > 0 && method.GetGenericArguments().Length != count))
        {
            throw new PayloadFormatException($"method {method.Name} does not take {count} generic arguments");
        }

        return count > 0 ? method.MakeGenericMethod(genericArguments) : method;
    }

    private static MethodInfo FindBySignature(Type declaringType, string name, string signature) =>
        declaringType.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .FirstOrDefault(m => m.Name == name && SignatureOf(m) == signature)
        ?? throw new PayloadFormatException($"method {declaringType}.{name}({signature}) does not exist in this process");

    private static string SignatureOf(MethodInfo method) => Signatures.GetOrAdd(method, static m =>
    {
        var definition = m.IsGenericMethod ? m.GetGenericMethodDefinition() : m;
        return string.Join(",", definition.GetParameters().Select(p => p.ParameterType.ToString()));
    });
}
