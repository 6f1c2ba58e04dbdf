using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using Hyperion;
using Hyperion.SerializerFactories;
using Hyperion.ValueSerializers;

namespace BatchPool.Codec;

/// <summary>
/// Writes every delegate as its invocation list of (method identity, target), never as CoreLib's internal fields.
/// </summary>
internal sealed class DelegateSerializerFactory : ValueSerializerFactory
{
    private const byte SingleCast = 0;
    private const byte MultiCast = 1;

    private const byte NoTarget = 0;
    private const byte Singleton = 1;
    private const byte SeenTarget = 2;
    private const byte OwnedTarget = 3;
    private const byte OtherTarget = 4;

    public override bool CanSerialize(Serializer serializer, Type type) => typeof(Delegate).IsAssignableFrom(type);

    public override bool CanDeserialize(Serializer serializer, Type type) => CanSerialize(serializer, type);

    public override ValueSerializer BuildSerializer(Serializer serializer, Type type, ConcurrentDictionary<Type, ValueSerializer> typeMapping) =>
        GraphIo.Register(
            type,
            typeMapping,
            (stream, session) => Read(stream, (CodecReadSession)session, type),
            (stream, value, session) => Write(stream, (Delegate)value, (CodecWriteSession)session));

    private static void Write(Stream stream, Delegate value, CodecWriteSession session)
    {
        if (value.HasSingleTarget)
        {
            stream.WriteByte(SingleCast);
            WriteOne(stream, value, session, trackSelf: true);
            return;
        }

        var list = value.GetInvocationList();
        stream.WriteByte(MultiCast);
        WireFormat.WriteVarUInt(stream, (uint)list.Length);
        foreach (var item in list)
        {
            WriteOne(stream, item, session, trackSelf: false);
        }

        WriteSelf(stream, value, session);
    }

    private static void WriteOne(Stream stream, Delegate value, CodecWriteSession session, bool trackSelf)
    {
        MethodRefs.Write(stream, value.Method, session);
        var target = value.Target;
        if (target is null || ClosureTargets.IsStatelessSingleton(target))
        {
            stream.WriteByte(target is null ? NoTarget : Singleton);
            Track(value, session, trackSelf);
        }
        else if (session.TryGetObjectId(target, out var id))
        {
            stream.WriteByte(SeenTarget);
            WireFormat.WriteInt32(stream, id);
            Track(value, session, trackSelf);
        }
        else if (ClosureTargets.OwnedFields(target.GetType()) is { } fields)
        {
            stream.WriteByte(OwnedTarget);
            TypeRefs.Write(stream, target.GetType(), session);
            Track(value, session, trackSelf);
            session.TrackSerializedObject(target);
            foreach (var field in fields)
            {
                GraphIo.WriteObject(stream, field.GetValue(target), session);
            }
        }
        else
        {
            stream.WriteByte(OtherTarget);
            GraphIo.WriteObject(stream, target, session);
            if (trackSelf)
            {
                WriteSelf(stream, value, session);
            }
        }
    }

    // After the parts, the delegate itself: already written inside them (a cycle) or new.
    private static void WriteSelf(Stream stream, Delegate value, CodecWriteSession session)
    {
        if (session.TryGetObjectId(value, out var id))
        {
            stream.WriteByte(1);
            WireFormat.WriteInt32(stream, id);
        }
        else
        {
            stream.WriteByte(0);
            session.TrackSerializedObject(value);
        }
    }

    private static void Track(Delegate value, CodecWriteSession session, bool trackSelf)
    {
        if (trackSelf)
        {
            session.TrackSerializedObject(value);
        }
    }

    private static Delegate Read(Stream stream, CodecReadSession session, Type type)
    {
        var mode = WireFormat.ReadByte(stream);
        if (mode == SingleCast)
        {
            return ReadOne(stream, session, type, trackSelf: true);
        }

        if (mode != MultiCast)
        {
            throw new PayloadFormatException($"unknown delegate form {mode}");
        }

        var count = WireFormat.ReadCount(stream, 8);
        var parts = new Delegate[count];
        for (var i = 0; i < count; i++)
        {
            parts[i] = ReadOne(stream, session, type, trackSelf: false);
        }

        return ReadSelf(stream, session, () => Delegate.Combine(parts)!);
    }

    private static Delegate ReadOne(Stream stream, CodecReadSession session, Type type, bool trackSelf)
    {
        var method = MethodRefs.Read(stream, session);
        var kind = WireFormat.ReadByte(stream);
        Delegate result;
        switch (kind)
        {
            case NoTarget:
                result = Create(type, null, method);
                break;
            case Singleton:
                var field = ClosureTargets.SingletonField(method.DeclaringType!)
                            ?? throw new PayloadFormatException($"{method.DeclaringType} has no stateless lambda instance");
                result = Create(type, field.GetValue(null), method);
                break;
            case SeenTarget:
                result = Create(type, session.GetDeserializedObject(WireFormat.ReadInt32(stream)), method);
                break;
            case OwnedTarget:
                var targetType = TypeRefs.ReadRequired(stream, session);
                var fields = ClosureTargets.OwnedFields(targetType)
                             ?? throw new PayloadFormatException($"{targetType} is not a closure or user class");
                var target = RuntimeHelpers.GetUninitializedObject(targetType);
                result = Create(type, target, method);
                if (trackSelf)
                {
                    session.TrackDeserializedObject(result);
                }

                session.TrackDeserializedObject(target);
                foreach (var f in fields)
                {
                    f.SetValue(target, GraphIo.ReadObject(stream, session));
                }

                return result;
            case OtherTarget:
                var other = GraphIo.ReadObject(stream, session);
                return trackSelf ? ReadSelf(stream, session, () => Create(type, other, method)) : Create(type, other, method);
            default:
                throw new PayloadFormatException($"unknown delegate target form {kind}");
        }

        if (trackSelf)
        {
            session.TrackDeserializedObject(result);
        }

        return result;
    }

    private static Delegate ReadSelf(Stream stream, CodecReadSession session, Func<Delegate> create)
    {
        if (WireFormat.ReadByte(stream) == 1)
        {
            return session.GetDeserializedObject(WireFormat.ReadInt32(stream)) as Delegate
                   ?? throw new PayloadFormatException("delegate reference points to another object");
        }

        var created = create();
        session.TrackDeserializedObject(created);
        return created;
    }

    private static Delegate Create(Type type, object? target, MethodInfo method)
    {
        try
        {
            // A static method without target is open unless it takes one parameter more than the delegate (closed over null).
            if (method.IsStatic && target is null
                && method.GetParameters().Length == type.GetMethod("Invoke")!.GetParameters().Length)
            {
                return Delegate.CreateDelegate(type, method);
            }

            return Delegate.CreateDelegate(type, target, method);
        }
        catch (ArgumentException e)
        {
            throw new PayloadFormatException($"cannot bind {method.DeclaringType}.{method.Name} to {type}: {e.Message}");
        }
    }
}
