using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace BatchPool.Codec;

/// <summary>Small, bounds-checked primitives the codec writes into and reads from a body stream.</summary>
internal static class WireFormat
{
    public static void WriteVarUInt(Stream stream, uint value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        stream.WriteByte((byte)value);
    }

    public static uint ReadVarUInt(Stream stream)
    {
        uint result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = stream.ReadByte();
            if (b < 0)
            {
                throw new PayloadFormatException("body ends in the middle of a number");
            }

            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new PayloadFormatException("malformed variable-length number");
    }

    /// <summary>Reads a count and checks that at least <paramref name="minBytesEach"/> bytes per item remain.</summary>
    public static int ReadCount(Stream stream, int minBytesEach)
    {
        var count = ReadVarUInt(stream);
        if (count > int.MaxValue || (long)count * Math.Max(1, minBytesEach) > Remaining(stream))
        {
            throw new PayloadFormatException($"count {count} exceeds the remaining body");
        }

        return (int)count;
    }

    public static long Remaining(Stream stream) => stream.Length - stream.Position;

    public static void WriteByte(Stream stream, byte value) => stream.WriteByte(value);

    public static byte ReadByte(Stream stream)
    {
        var b = stream.ReadByte();
        return b < 0 ? throw new PayloadFormatException("body ends unexpectedly") : (byte)b;
    }

    public static void WriteInt32(Stream stream, int value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BitConverter.TryWriteBytes(buffer, value);
        stream.Write(buffer);
    }

    public static int ReadInt32(Stream stream)
    {
        Span<byte> buffer = stackalloc byte[4];
        ReadExactly(stream, buffer);
        return BitConverter.ToInt32(buffer);
    }

    public static void WriteGuid(Stream stream, Guid value)
    {
        Span<byte> buffer = stackalloc byte[16];
        value.TryWriteBytes(buffer);
        stream.Write(buffer);
    }

    public static Guid ReadGuid(Stream stream)
    {
        Span<byte> buffer = stackalloc byte[16];
        ReadExactly(stream, buffer);
        return new Guid(buffer);
    }

    public static void ReadExactly(Stream stream, Span<byte> buffer)
    {
        if (Remaining(stream) < buffer.Length)
        {
            throw new PayloadFormatException("body ends unexpectedly");
        }

        stream.ReadExactly(buffer);
    }

    /// <summary>Writes a nullable string: 0 for null, else length + 1 then UTF-8.</summary>
    public static void WriteString(Stream stream, string? value)
    {
        if (value is null)
        {
            stream.WriteByte(0);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarUInt(stream, (uint)length + 1);
        if (length <= 256)
        {
            Span<byte> small = stackalloc byte[length];
            Encoding.UTF8.GetBytes(value, small);
            stream.Write(small);
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        Encoding.UTF8.GetBytes(value, rented);
        stream.Write(rented, 0, length);
        ArrayPool<byte>.Shared.Return(rented);
    }

    public static string? ReadString(Stream stream)
    {
        var lengthPlusOne = ReadVarUInt(stream);
        if (lengthPlusOne == 0)
        {
            return null;
        }

        var length = lengthPlusOne - 1;
        if (length > Remaining(stream))
        {
            throw new PayloadFormatException($"string of {length} bytes exceeds the remaining body");
        }

        var rented = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            stream.ReadExactly(rented, 0, (int)length);
            return Encoding.UTF8.GetString(rented, 0, (int)length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static string ReadRequiredString(Stream stream) =>
        ReadString(stream) ?? throw new PayloadFormatException("a required name is missing");

    /// <summary>
    /// Writes a nullable string value losslessly: 0 for null, else ((byte count &lt;&lt; 1) | form) + 1, then UTF-8 (form 0),
    /// or UTF-16 code units (form 1) for strings UTF-8 cannot carry (unpaired surrogates).
    /// </summary>
    public static void WriteText(Stream stream, string? value)
    {
        if (value is null)
        {
            stream.WriteByte(0);
            return;
        }

        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = maxBytes <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            if (Utf8.FromUtf16(value, buffer, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done)
            {
                WriteVarUInt(stream, checked(((uint)written << 1) + 1));
                stream.Write(buffer[..written]);
                return;
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        var units = MemoryMarshal.AsBytes(value.AsSpan());
        WriteVarUInt(stream, checked(((uint)units.Length << 1) + 2));
        stream.Write(units);
    }

    public static string? ReadText(Stream stream)
    {
        var header = ReadVarUInt(stream);
        if (header == 0)
        {
            return null;
        }

        var length = (header - 1) >> 1;
        if (length > Remaining(stream))
        {
            throw new PayloadFormatException($"string of {length} bytes exceeds the remaining body");
        }

        if (((header - 1) & 1) == 1)
        {
            return length % 2 == 0
                ? string.Create((int)length / 2, stream, static (chars, s) => s.ReadExactly(MemoryMarshal.AsBytes(chars)))
                : throw new PayloadFormatException($"a UTF-16 string of {length} bytes is malformed");
        }

        byte[]? rented = null;
        var buffer = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent((int)length));
        try
        {
            var bytes = buffer[..(int)length];
            stream.ReadExactly(bytes);
            return Encoding.UTF8.GetString(bytes);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
