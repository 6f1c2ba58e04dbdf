using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace BatchPool.Codec;

/// <summary>
/// The fast path for one-dimensional arrays of primitives, enums and reference-free structs: raw bytes, not element by
/// element. Large arrays go out of band as blobs (copied once, straight into the payload), or, when the encoder stores
/// large values apart, by their hash (<see cref="LargeValue"/>); small ones inline.
/// </summary>
internal sealed class RawArrayCodec(Type type) : ValueCodec
{
    private const byte Inline = 0;
    private const byte Blob = 1;
    private const byte StoredApart = 2;

    private static readonly ConcurrentDictionary<Type, Func<int, bool, Array>> Allocators = MetadataCaches.Create<Type, Func<int, bool, Array>>();

    private readonly int _elementSize = type.GetElementType()!.UnsafeSize();
    private readonly Func<int, bool, Array> _allocate = Allocators.GetOrAdd(type.GetElementType()!, static t =>
        typeof(GC).GetMethod(nameof(GC.AllocateUninitializedArray))!.MakeGenericMethod(t).CreateDelegate<Func<int, bool, Array>>());

    public static bool Handles(Type type) => type.IsSZArray && TypeLayout.IsRawCopyable(type.GetElementType()!);

    public override void Write(GraphWriter writer, object value)
    {
        writer.Track(value);
        var array = (Array)value;
        var stream = writer.Stream;
        WireFormat.WriteVarUInt(stream, (uint)array.Length);
        if (writer.Blobs is { } large && large.StoresApart(array))
        {
            stream.WriteByte(StoredApart);
            stream.Write(large.AddLarge(array));
            WireFormat.WriteString(stream, large.PathOf(array));
            return;
        }
        if (writer.Blobs is { } blobs && BlobWriter.ByteLength(array) >= BlobWriter.Threshold)
        {
            stream.WriteByte(Blob);
            WireFormat.WriteVarUInt(stream, (uint)blobs.Add(array));
            return;
        }

        stream.WriteByte(Inline);
        stream.Write(BlobWriter.BytesOf(array));
    }

    public override object Read(GraphReader reader, Type type)
    {
        var stream = reader.Stream;
        var length = WireFormat.ReadVarUInt(stream);
        var mode = WireFormat.ReadByte(stream);
        var byteLength = (long)length * _elementSize;
        ReadOnlySpan<byte> source;
        if (mode == StoredApart)
        {
            return ReadStoredApart(reader, (int)length, byteLength);
        }
        if (mode == Blob)
        {
            source = reader.Blobs.Get((int)Math.Min(WireFormat.ReadVarUInt(stream), int.MaxValue), byteLength);
        }
        else if (mode == Inline && byteLength <= WireFormat.Remaining(stream))
        {
            source = default;
        }
        else
        {
            throw new PayloadFormatException($"array of {length} elements does not fit in the payload");
        }

        // Bounds are checked above, so a forged length never allocates more than the payload holds.
        var array = _allocate((int)length, false);
        reader.Track(array);
        var target = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), (int)byteLength);
        if (mode == Blob)
        {
            source.CopyTo(target);
        }
        else
        {
            stream.ReadExactly(target);
        }

        return array;
    }

    /// <summary>
    /// A large value stored apart: its array, allocated at the size the authenticated payload names, filled by the
    /// reader's source straight from where the value is (checked against its hash before the payload's graph is returned).
    /// </summary>
    private Array ReadStoredApart(GraphReader reader, int length, long byteLength)
    {
        Span<byte> sha256 = stackalloc byte[32];
        WireFormat.ReadExactly(reader.Stream, sha256);
        var path = WireFormat.ReadString(reader.Stream) ?? "";
        var source = reader.Blobs.LargeValueSource;
        if (byteLength > int.MaxValue)
        {
            throw new PayloadFormatException($"large value {path} of {byteLength} bytes exceeds the 2 GB a large value may hold");
        }
        // Refused before it is allocated: a value this process cannot hold is a clear error, not an out-of-memory crash.
        LargeValueRoom.Check(path, byteLength);
        var array = _allocate(length, false);
        reader.Track(array);
        source.ReadInto(sha256, path, MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), (int)byteLength));
        return array;
    }
}

/// <summary>
/// Other one-dimensional arrays: length, then the elements; elements of a struct type (never null, always of that
/// type) without tag or type reference.
/// </summary>
internal sealed class VectorCodec(Type type) : ValueCodec
{
    private readonly Type _elementType = type.GetElementType()!;

    private readonly ValueCodec? _structCodec =
        type.GetElementType()! is { IsValueType: true } element && Nullable.GetUnderlyingType(element) is null ? ValueCodecs.For(element) : null;

    public override void Write(GraphWriter writer, object value)
    {
        writer.Track(value);
        var array = (Array)value;
        WireFormat.WriteVarUInt(writer.Stream, (uint)array.Length);
        if (!_elementType.IsValueType)
        {
            foreach (var item in (object?[])array)
            {
                writer.WriteObject(item);
            }

            return;
        }

        for (var i = 0; i < array.Length; i++)
        {
            if (_structCodec is null)
            {
                writer.WriteObject(array.GetValue(i));
            }
            else
            {
                _structCodec.Write(writer, array.GetValue(i)!);
            }
        }
    }

    public override object Read(GraphReader reader, Type type)
    {
        var length = WireFormat.ReadCount(reader.Stream, 1);
        // Every call's argument list is an object[]: made directly, not through reflection's slower factory.
        var array = _elementType == typeof(object) ? new object?[length] : Array.CreateInstance(_elementType, length);
        reader.Track(array);
        if (!_elementType.IsValueType)
        {
            // The store is type-checked: an element of another type fails the read.
            var items = (object?[])array;
            for (var i = 0; i < length; i++)
            {
                items[i] = reader.ReadObject();
            }

            return array;
        }

        for (var i = 0; i < length; i++)
        {
            array.SetValue(_structCodec is null ? reader.ReadObject() : _structCodec.Read(reader, _elementType), i);
        }

        return array;
    }
}

/// <summary>
/// Multi-dimensional arrays (and arrays with other lower bounds than 0): each dimension's length and lower bound, then
/// the elements in row-major order: raw bytes for reference-free element types, else one value each.
/// </summary>
internal sealed class MultiDimensionalArrayCodec(Type type) : ValueCodec
{
    private readonly Type _elementType = type.GetElementType()!;
    private readonly int _rawElementSize = TypeLayout.IsRawCopyable(type.GetElementType()!) ? type.GetElementType()!.UnsafeSize() : 0;

    public override void Write(GraphWriter writer, object value)
    {
        writer.Track(value);
        var array = (Array)value;
        var stream = writer.Stream;
        for (var dimension = 0; dimension < array.Rank; dimension++)
        {
            WireFormat.WriteVarUInt(stream, (uint)array.GetLength(dimension));
            WireFormat.WriteInt32(stream, array.GetLowerBound(dimension));
        }

        if (_rawElementSize > 0)
        {
            stream.Write(MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(array), checked(array.Length * _rawElementSize)));
            return;
        }

        foreach (var item in array)
        {
            writer.WriteObject(item);
        }
    }

    public override object Read(GraphReader reader, Type type)
    {
        var stream = reader.Stream;
        var rank = type.GetArrayRank();
        var lengths = new int[rank];
        var lowerBounds = new int[rank];
        long count = 1;
        for (var dimension = 0; dimension < rank; dimension++)
        {
            lengths[dimension] = WireFormat.ReadCount(stream, 0);
            lowerBounds[dimension] = WireFormat.ReadInt32(stream);
            count *= lengths[dimension];
            if (count * Math.Max(1, _rawElementSize) > WireFormat.Remaining(stream))
            {
                throw new PayloadFormatException($"array of {count} elements does not fit in the payload");
            }
        }

        var array = Array.CreateInstance(_elementType, lengths, lowerBounds);
        reader.Track(array);
        if (_rawElementSize > 0)
        {
            WireFormat.ReadExactly(stream, MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), (int)count * _rawElementSize));
            return array;
        }

        // Row-major: the last index moves fastest, as the writer's enumeration did.
        var indices = (int[])lowerBounds.Clone();
        for (long i = 0; i < count; i++)
        {
            array.SetValue(reader.ReadObject(), indices);
            for (var dimension = rank - 1; dimension >= 0; dimension--)
            {
                if (++indices[dimension] < lowerBounds[dimension] + lengths[dimension])
                {
                    break;
                }

                indices[dimension] = lowerBounds[dimension];
            }
        }

        return array;
    }
}
