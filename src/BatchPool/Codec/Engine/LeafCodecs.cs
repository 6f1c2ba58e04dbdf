using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace BatchPool.Codec;

/// <summary>Strings, as <see cref="WireFormat.WriteText"/> writes them. Not tracked: a string's identity is not shipped.</summary>
internal sealed class StringCodec : ValueCodec
{
    public static readonly StringCodec Instance = new();

    public override void Write(GraphWriter writer, object value) => WireFormat.WriteText(writer.Stream, (string)value);

    public override object Read(GraphReader reader, Type type) =>
        WireFormat.ReadText(reader.Stream) ?? throw new PayloadFormatException("a string value is missing");
}

/// <summary>
/// Primitives, enums and structs without references or pointers (<see cref="TypeLayout.IsRawCopyable"/>): their bytes
/// as they are in memory (the format is little-endian, as every platform .NET runs on here).
/// </summary>
internal sealed class UnmanagedCodec(Type type) : ValueCodec
{
    private readonly int _size = type.UnsafeSize();

    public override void Write(GraphWriter writer, object value) => writer.Stream.Write(BoxedBytes.Of(value, _size));

    public override object Read(GraphReader reader, Type type)
    {
        var box = RuntimeHelpers.GetUninitializedObject(type);
        WireFormat.ReadExactly(reader.Stream, BoxedBytes.Of(box, _size));
        return box;
    }
}

/// <summary>The bytes of a boxed value type, in place.</summary>
internal static class BoxedBytes
{
    // The value of a box starts right after its method table pointer, where this class's only field sits (the same
    // reinterpretation CoreLib's RuntimeHelpers.GetRawData uses).
    public static Span<byte> Of(object box, int size) => MemoryMarshal.CreateSpan(ref Unsafe.As<RawBox>(box).Data, size);

    private sealed class RawBox
    {
#pragma warning disable CS0649 // only ever read through a reinterpreted reference
        public byte Data;
#pragma warning restore CS0649
    }
}

/// <summary>
/// <see cref="Type"/> values (e.g. a captured <c>typeof(Foo)</c>): a type reference, resolved in the reader's load context.
/// </summary>
internal sealed class TypeValueCodec : ValueCodec
{
    public static readonly TypeValueCodec Instance = new();

    public override void Write(GraphWriter writer, object value) => TypeRefs.Write(writer, (Type)value);

    public override object Read(GraphReader reader, Type type) => TypeRefs.ReadRequired(reader);
}

/// <summary>
/// <see cref="CultureInfo"/> and <see cref="CompareInfo"/> by name: their fields hold native handles of the writing
/// process. A culture arrives with the reader's data for that name (settings changed on the writer's object are not kept).
/// </summary>
internal sealed class CultureCodec : ValueCodec
{
    public static readonly CultureCodec Instance = new();

    public override void Write(GraphWriter writer, object value)
    {
        if (value is CultureInfo culture)
        {
            WireFormat.WriteString(writer.Stream, culture.Name);
            writer.Stream.WriteByte(culture.UseUserOverride ? (byte)1 : (byte)0);
            return;
        }

        WireFormat.WriteString(writer.Stream, ((CompareInfo)value).Name);
    }

    public override object Read(GraphReader reader, Type type)
    {
        var name = WireFormat.ReadRequiredString(reader.Stream);
        try
        {
            return type == typeof(CultureInfo)
                ? new CultureInfo(name, useUserOverride: WireFormat.ReadByte(reader.Stream) == 1)
                : CompareInfo.GetCompareInfo(name);
        }
        catch (CultureNotFoundException e)
        {
            throw new PayloadFormatException($"culture '{name}' does not exist in this process: {e.Message}");
        }
    }
}

/// <summary>
/// The framework's string comparers: the well-known ones (<see cref="WellKnownComparers"/>) by code, so that
/// <c>StringComparer.OrdinalIgnoreCase</c> arrives as that very instance and a culture-aware one by culture name;
/// any other field by field.
/// </summary>
internal sealed class StringComparerCodec(Type type) : ValueCodec
{
    private readonly FieldsCodec _fields = new(type);

    public override void Write(GraphWriter writer, object value)
    {
        var code = WellKnownComparers.CodeOf((StringComparer)value, out var culture, out var options);
        writer.Stream.WriteByte(code);
        if (code == WellKnownComparers.Culture)
        {
            WireFormat.WriteString(writer.Stream, culture!.Name);
            WireFormat.WriteInt32(writer.Stream, (int)options);
        }
        else if (code == WellKnownComparers.Shipped)
        {
            _fields.Write(writer, value);
        }
    }

    public override object Read(GraphReader reader, Type type)
    {
        var code = WireFormat.ReadByte(reader.Stream);
        if (code == WellKnownComparers.Shipped)
        {
            return _fields.Read(reader, type);
        }

        var comparer = code == WellKnownComparers.Culture
            ? WellKnownComparers.Create(code, WireFormat.ReadString(reader.Stream), (CompareOptions)WireFormat.ReadInt32(reader.Stream))
            : WellKnownComparers.Create(code, null, CompareOptions.None);
        return comparer.GetType() == type
            ? comparer
            : throw new PayloadFormatException($"comparer code {code} does not make a {type}");
    }
}

/// <summary>
/// A <see cref="Regex"/> by its pattern, options and match timeout: a compiled one holds dynamic methods of the writing
/// process, an interpreted one its internal caches. The reader builds it again (compiling it when it was compiled).
/// </summary>
internal sealed class RegexCodec : ValueCodec
{
    public static readonly RegexCodec Instance = new();

    public override void Write(GraphWriter writer, object value)
    {
        var regex = (Regex)value;
        WireFormat.WriteText(writer.Stream, regex.ToString());
        WireFormat.WriteInt32(writer.Stream, (int)regex.Options);
        Span<byte> ticks = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(ticks, regex.MatchTimeout.Ticks);
        writer.Stream.Write(ticks);
    }

    public override object Read(GraphReader reader, Type type)
    {
        var pattern = WireFormat.ReadText(reader.Stream) ?? throw new PayloadFormatException("a regular expression has no pattern");
        var options = (RegexOptions)WireFormat.ReadInt32(reader.Stream);
        Span<byte> ticks = stackalloc byte[8];
        WireFormat.ReadExactly(reader.Stream, ticks);
        try
        {
            return new Regex(pattern, options, TimeSpan.FromTicks(BinaryPrimitives.ReadInt64LittleEndian(ticks)));
        }
        catch (ArgumentException e)
        {
            throw new PayloadFormatException($"regular expression '{pattern}' cannot be built: {e.Message}");
        }
    }
}
