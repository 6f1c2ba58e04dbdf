using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
