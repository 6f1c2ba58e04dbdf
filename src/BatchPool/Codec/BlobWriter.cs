using System.Runtime.InteropServices;

namespace BatchPool.Codec;

/// <summary>
/// Collects large primitive arrays out of band while the body is written, so their bytes are copied once, straight
/// from the array into the payload, instead of going through the body stream.
/// </summary>
internal sealed class BlobWriter(LargeValueHashes? largeValues = null)
{
    /// <summary>Arrays of at least this many bytes become blobs; smaller ones are written inline.</summary>
    public const int Threshold = 8 * 1024;

    // Made with the first blob: most payloads have none.
    private List<Array>? _arrays;

    // The large values named, each once.
    private List<LargeValue>? _large;

    public int Count => _arrays?.Count ?? 0;

    /// <summary>Where each large array sits in the graph (the inspection's), written beside its hash.</summary>
    public IReadOnlyDictionary<Array, string>? LargePaths { get; init; }

    /// <summary>The path of a large array in the graph, or empty when unknown.</summary>
    public string PathOf(Array array) => LargePaths is { } paths && paths.TryGetValue(array, out var path) ? path : "";

    /// <summary>The large values the payload names instead of carrying (see <see cref="LargeValue"/>).</summary>
    public IReadOnlyList<LargeValue> LargeValues => _large ?? (IReadOnlyList<LargeValue>)[];

    /// <summary>Whether <paramref name="array"/> is stored apart, named by its hash: large, and the encoder was given hashes.</summary>
    public bool StoresApart(Array array) => largeValues is not null && ByteLength(array) >= LargeValue.Threshold;

    /// <summary>Names a large array: returns its hash, and lists it once among <see cref="LargeValues"/>.</summary>
    public byte[] AddLarge(Array array)
    {
        var value = largeValues!.Of(array);
        _large ??= [];
        if (!_large.Contains(value))
        {
            _large.Add(value);
        }
        return value.Sha256;
    }

    public long TotalBytes { get; private set; }

    /// <summary>Registers an array and returns its blob index.</summary>
    public int Add(Array array)
    {
        (_arrays ??= []).Add(array);
        TotalBytes += ByteLength(array);
        return _arrays.Count - 1;
    }

    public long LengthOf(int index) => ByteLength(_arrays![index]);

    public ReadOnlySpan<byte> BytesOf(int index) => BytesOf(_arrays![index]);

    public static long ByteLength(Array array) => (long)array.Length * array.GetType().GetElementType()!.UnsafeSize();

    /// <summary>The raw bytes of a one-dimensional array of an unmanaged element type.</summary>
    public static ReadOnlySpan<byte> BytesOf(Array array) =>
        MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(array), checked((int)ByteLength(array)));
}
