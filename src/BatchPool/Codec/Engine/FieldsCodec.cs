using System.Reflection;
using System.Runtime.CompilerServices;

namespace BatchPool.Codec;

/// <summary>
/// Classes and structs field by field (<see cref="CopiedFields"/>), without running a constructor on the reader. A
/// field whose type fixes how it is written (a string, a value type other than <see cref="Nullable{T}"/>) is written
/// without tag or type reference.
/// </summary>
internal sealed class FieldsCodec : ValueCodec
{
    private readonly bool _isClass;
    private readonly FieldInfo[] _fields;
    private readonly Type[] _fieldTypes;

    // Per field: null for a tagged value, StringField for text, else the codec of the field's value type.
    private readonly ValueCodec?[] _fixedCodecs;

    /// <param name="type">The type.</param>
    /// <param name="stopAt">A base type whose fields another codec writes (a collection's), or null.</param>
    public FieldsCodec(Type type, Type? stopAt = null)
    {
        _isClass = !type.IsValueType;
        _fields = CopiedFields.Of(type, stopAt);
        _fieldTypes = [.. _fields.Select(f => f.FieldType)];
        _fixedCodecs = [.. _fieldTypes.Select(t =>
            t == typeof(string) ? StringField
            : t.IsValueType && Nullable.GetUnderlyingType(t) is null ? ValueCodecs.For(t)
            : null)];
    }

    private static ValueCodec StringField => StringCodec.Instance;

    public override void Write(GraphWriter writer, object value)
    {
        if (_isClass)
        {
            writer.Track(value);
        }

        WriteFields(writer, value);
    }

    public override object Read(GraphReader reader, Type type)
    {
        var value = RuntimeHelpers.GetUninitializedObject(type);
        if (_isClass)
        {
            reader.Track(value);
        }

        ReadFields(reader, value);
        return value;
    }

    /// <summary>Writes the fields alone (the caller tracked the object).</summary>
    public void WriteFields(GraphWriter writer, object value)
    {
        for (var i = 0; i < _fields.Length; i++)
        {
            var fieldValue = _fields[i].GetValue(value);
            var codec = _fixedCodecs[i];
            if (codec is null)
            {
                writer.WriteObject(fieldValue);
            }
            else if (ReferenceEquals(codec, StringField))
            {
                WireFormat.WriteText(writer.Stream, (string?)fieldValue);
            }
            else
            {
                codec.Write(writer, fieldValue!);
            }
        }
    }

    /// <summary>Reads the fields into an object the caller created and tracked.</summary>
    public void ReadFields(GraphReader reader, object value)
    {
        for (var i = 0; i < _fields.Length; i++)
        {
            var codec = _fixedCodecs[i];
            var fieldValue = codec is null ? reader.ReadObject()
                : ReferenceEquals(codec, StringField) ? WireFormat.ReadText(reader.Stream)
                : codec.Read(reader, _fieldTypes[i]);
            _fields[i].SetValue(value, fieldValue);
        }
    }
}
