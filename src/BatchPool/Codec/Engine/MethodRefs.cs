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
    private static readonly ConcurrentDictionary<MethodInfo, string> Signatures = new();

    public static void Write(Stream stream, MethodInfo method, CodecWriteSession session)
    {
        var declaringType = method.DeclaringType ?? throw new NotSupportedException($"global method {method.Name} cannot be shipped");
        TypeRefs.Write(stream, declaringType, session);
        WireFormat.WriteInt32(stream, method.MetadataToken);
        var genericArguments = method.IsGenericMethod ? method.GetGenericArguments() : Type.EmptyTypes;
        WireFormat.WriteVarUInt(stream, (uint)genericArguments.Length);
        foreach (var argument in genericArguments)
        {
            TypeRefs.Write(stream, argument, session);
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

    public static MethodInfo Read(Stream stream, CodecReadSession session)
    {
        var declaringType = TypeRefs.ReadRequired(stream, session);
        var token = WireFormat.ReadInt32(stream);
        var count = WireFormat.ReadCount(stream, 2);
        var genericArguments = new Type[count];
        for (var i = 0; i < count; i++)
        {
            genericArguments[i] = TypeRefs.ReadRequired(stream, session);
        }

        MethodInfo method;
        if (WireFormat.ReadByte(stream) == 0)
        {
            method = session.Resolver.ResolveMethod(declaringType, token);
        }
        else
        {
            var mvid = WireFormat.ReadGuid(stream);
            var name = WireFormat.ReadRequiredString(stream);
            var signature = WireFormat.ReadRequiredString(stream);
            method = declaringType.Module.ModuleVersionId == mvid
                ? session.Resolver.ResolveMethod(declaringType, token)
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
