using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace BatchPool.Codec;

/// <summary>
/// Writes every delegate as its invocation list of (method identity, target), never as CoreLib's internal fields.
/// </summary>
internal sealed class DelegateCodec : ValueCodec
{
    public static readonly DelegateCodec Instance = new();

    // Delegates without state (a static method, or a lambda on the compiler's stateless singleton) are immutable and
    // equal whoever reads them: one instance each, as the compiler itself caches them. Creating one is a slow call.
    private static readonly ConcurrentDictionary<StatelessKey, Delegate> Stateless =
        MetadataCaches.Create<StatelessKey, Delegate>(static key => key.Type.IsCollectible || key.Method.IsCollectible);

    private const byte SingleCast = 0;
    private const byte MultiCast = 1;

    private const byte NoTarget = 0;
    private const byte Singleton = 1;
    private const byte SeenTarget = 2;
    private const byte OwnedTarget = 3;
    private const byte OtherTarget = 4;

    public override void Write(GraphWriter writer, object value)
    {
        var stream = writer.Stream;
        var function = (Delegate)value;
        if (function.HasSingleTarget)
        {
            stream.WriteByte(SingleCast);
            WriteOne(writer, function, trackSelf: true);
            return;
        }

        var list = function.GetInvocationList();
        stream.WriteByte(MultiCast);
        WireFormat.WriteVarUInt(stream, (uint)list.Length);
        foreach (var item in list)
        {
            WriteOne(writer, item, trackSelf: false);
        }

        WriteSelf(writer, function);
    }

    private static void WriteOne(GraphWriter writer, Delegate value, bool trackSelf)
    {
        var stream = writer.Stream;
        MethodRefs.Write(writer, value.Method);
        var target = value.Target;
        if (target is null || ClosureTargets.IsStatelessSingleton(target))
        {
            stream.WriteByte(target is null ? NoTarget : Singleton);
            Track(writer, value, trackSelf);
        }
        else if (writer.TryGetObjectId(target, out var id))
        {
            stream.WriteByte(SeenTarget);
            WireFormat.WriteInt32(stream, id);
            Track(writer, value, trackSelf);
        }
        else if (ClosureTargets.OwnedCodec(target.GetType()) is { } codec)
        {
            stream.WriteByte(OwnedTarget);
            TypeRefs.Write(writer, target.GetType());
            Track(writer, value, trackSelf);
            writer.Track(target);
            codec.WriteFields(writer, target);
        }
        else
        {
            stream.WriteByte(OtherTarget);
            writer.WriteObject(target);
            if (trackSelf)
            {
                WriteSelf(writer, value);
            }
        }
    }

    // After the parts, the delegate itself: already written inside them (a cycle) or new.
    private static void WriteSelf(GraphWriter writer, Delegate value)
    {
        if (writer.TryGetObjectId(value, out var id))
        {
            writer.Stream.WriteByte(1);
            WireFormat.WriteInt32(writer.Stream, id);
        }
        else
        {
            writer.Stream.WriteByte(0);
            writer.Track(value);
        }
    }

    private static void Track(GraphWriter writer, Delegate value, bool trackSelf)
    {
        if (trackSelf)
        {
            writer.Track(value);
        }
    }

    public override object Read(GraphReader reader, Type type)
    {
        var stream = reader.Stream;
        var mode = WireFormat.ReadByte(stream);
        if (mode == SingleCast)
        {
            return ReadOne(reader, type, trackSelf: true);
        }

        if (mode != MultiCast)
        {
            throw new PayloadFormatException($"unknown delegate form {mode}");
        }

        var count = WireFormat.ReadCount(stream, 8);
        var parts = new Delegate[count];
        for (var i = 0; i < count; i++)
        {
            parts[i] = ReadOne(reader, type, trackSelf: false);
        }

        return ReadSelf(reader, () => Delegate.Combine(parts)!);
    }

    private static Delegate ReadOne(GraphReader reader, Type type, bool trackSelf)
    {
        var stream = reader.Stream;
        var method = MethodRefs.Read(reader);
        var kind = WireFormat.ReadByte(stream);
        Delegate result;
        switch (kind)
        {
            case NoTarget:
            case Singleton:
                result = Stateless.GetOrAdd(new StatelessKey(type, method, kind), static key => key.Kind == NoTarget
                    ? Create(key.Type, null, key.Method)
                    : Create(key.Type, SingletonOf(key.Method), key.Method));
                break;
            case SeenTarget:
                result = Create(type, reader.GetObject((uint)WireFormat.ReadInt32(stream)), method);
                break;
            case OwnedTarget:
                var targetType = TypeRefs.ReadRequired(reader);
                var codec = ClosureTargets.OwnedCodec(targetType)
                            ?? throw new PayloadFormatException($"{targetType} is not a closure or user class");
                var target = RuntimeHelpers.GetUninitializedObject(targetType);
                result = Create(type, target, method);
                if (trackSelf)
                {
                    reader.Track(result);
                }

                reader.Track(target);
                codec.ReadFields(reader, target);

                return result;
            case OtherTarget:
                var other = reader.ReadObject();
                return trackSelf ? ReadSelf(reader, () => Create(type, other, method)) : Create(type, other, method);
            default:
                throw new PayloadFormatException($"unknown delegate target form {kind}");
        }

        if (trackSelf)
        {
            reader.Track(result);
        }

        return result;
    }

    private static Delegate ReadSelf(GraphReader reader, Func<Delegate> create)
    {
        if (WireFormat.ReadByte(reader.Stream) == 1)
        {
            return reader.GetObject((uint)WireFormat.ReadInt32(reader.Stream)) as Delegate
                   ?? throw new PayloadFormatException("delegate reference points to another object");
        }

        var created = create();
        reader.Track(created);
        return created;
    }

    private static object SingletonOf(MethodInfo method) =>
        (ClosureTargets.SingletonField(method.DeclaringType!) ?? throw new PayloadFormatException($"{method.DeclaringType} has no stateless lambda instance"))
            .GetValue(null)!;

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

    // A class, not a value tuple, as the dictionary's key: its code then comes compiled with the framework.
    private sealed record StatelessKey(Type Type, MethodInfo Method, byte Kind);
}
