using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace BatchPool.Codec;

/// <summary>
/// Writes exceptions as type, message, stack trace text, inner exceptions and the fields of subclasses, and rebuilds
/// them with the remote stack trace attached (<see cref="ExceptionDispatchInfo.SetRemoteStackTrace"/>).
/// </summary>
internal static class ExceptionCodec
{
    /// <summary>Writes an exception (after its <see cref="GraphTag.Exception"/> tag): the type reference comes first, so a reader can fail to load it.</summary>
    public static void Write(GraphWriter writer, Exception exception)
    {
        var stream = writer.Stream;
        writer.Track(exception);
        TypeRefs.Write(writer, exception.GetType());
        WireFormat.WriteString(stream, exception.Message);
        WireFormat.WriteString(stream, ExceptionFields.Message(exception));
        WireFormat.WriteString(stream, exception.StackTrace);
        WireFormat.WriteString(stream, ExceptionFields.Source(exception));
        WireFormat.WriteInt32(stream, exception.HResult);

        var inner = exception is AggregateException aggregate ? [.. aggregate.InnerExceptions] : exception.InnerException is { } one ? [one] : Array.Empty<Exception>();
        WireFormat.WriteVarUInt(stream, (uint)inner.Length);
        foreach (var item in inner)
        {
            writer.WriteObject(item);
        }

        // Subclass fields go in a nested, length-prefixed graph so a reader that cannot load the type can skip them.
        var fields = ExceptionFields.DeclaredBelowException(exception.GetType());
        var names = new List<string>();
        var values = new List<object?>();
        foreach (var field in fields)
        {
            var fieldValue = field.GetValue(exception);
            if (writer.Inspector.IsShippable(fieldValue))
            {
                names.Add(ExceptionFields.KeyOf(field));
                values.Add(fieldValue);
            }
        }

        WireFormat.WriteVarUInt(stream, (uint)names.Count);
        if (names.Count == 0)
        {
            return;
        }

        foreach (var name in names)
        {
            WireFormat.WriteString(stream, name);
        }

        using var nested = new PooledBufferStream(256);
        writer.Nested(nested).WriteObject(values.ToArray());
        WireFormat.WriteVarUInt(stream, (uint)nested.Length);
        stream.Write(nested.WrittenSpan);
    }

    /// <summary>Reads an exception; one of a type this process cannot load becomes a <see cref="RemoteException"/>.</summary>
    public static Exception Read(GraphReader reader)
    {
        var stream = reader.Stream;
        var type = TypeRefs.Read(reader);
        var known = type.Type is { IsAbstract: false } t && typeof(Exception).IsAssignableFrom(t);
        var exception = (Exception)RuntimeHelpers.GetUninitializedObject(known ? type.Type! : typeof(RemoteException));
        reader.Track(exception);

        var message = WireFormat.ReadString(stream) ?? string.Empty;
        var rawMessage = WireFormat.ReadString(stream);
        var stackTrace = WireFormat.ReadString(stream);
        var source = WireFormat.ReadString(stream);
        var hresult = WireFormat.ReadInt32(stream);
        var innerCount = WireFormat.ReadCount(stream, 1);
        var inner = new Exception[innerCount];
        for (var i = 0; i < innerCount; i++)
        {
            inner[i] = reader.ReadObject() as Exception ?? throw new PayloadFormatException("an inner exception is not an exception");
        }

        var fieldCount = WireFormat.ReadCount(stream, 1);
        var names = new string[fieldCount];
        for (var i = 0; i < fieldCount; i++)
        {
            names[i] = WireFormat.ReadRequiredString(stream);
        }

        byte[]? nested = null;
        if (fieldCount > 0)
        {
            var length = WireFormat.ReadCount(stream, 1);
            nested = new byte[length];
            stream.ReadExactly(nested);
        }

        ExceptionFields.Source(exception) = source;
        ExceptionFields.HResult(exception) = hresult;
        ExceptionFields.Inner(exception) = inner.Length > 0 ? inner[0] : null;
        if (known)
        {
            ExceptionFields.Message(exception) = rawMessage;
            if (exception is AggregateException aggregate)
            {
                ExceptionFields.AggregateInner(aggregate) = inner;
            }

            if (nested is not null)
            {
                RestoreFields(exception, names, nested, reader);
            }
        }
        else
        {
            ExceptionFields.Message(exception) = message;
            ((RemoteException)exception).Restore(type.Name, stackTrace, inner);
        }

        if (stackTrace is not null)
        {
            ExceptionDispatchInfo.SetRemoteStackTrace(exception, stackTrace);
        }

        return exception;
    }

    private static void RestoreFields(Exception exception, string[] names, byte[] nested, GraphReader reader)
    {
        object?[]? values;
        try
        {
            using var input = new MemoryStream(nested, writable: false);
            values = reader.Nested(input).ReadObject() as object?[];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A field of a type this process cannot load: the exception keeps its type, message and stack.
            return;
        }

        if (values is null || values.Length != names.Length)
        {
            return;
        }

        var byKey = ExceptionFields.DeclaredBelowException(exception.GetType()).ToDictionary(ExceptionFields.KeyOf);
        for (var i = 0; i < names.Length; i++)
        {
            if (byKey.TryGetValue(names[i], out var field) && (values[i] is null ? !field.FieldType.IsValueType || Nullable.GetUnderlyingType(field.FieldType) is not null : field.FieldType.IsInstanceOfType(values[i])))
            {
                field.SetValue(exception, values[i]);
            }
        }
    }
}
