namespace BatchPool.Codec;

/// <summary>Gives the decoder the out-of-band blobs of a payload, each bounds-checked against the payload.</summary>
internal sealed class BlobReader
{
    private readonly ReadOnlyMemory<byte> _section;
    private readonly long[] _offsets;
    private readonly long[] _lengths;

    public BlobReader(ReadOnlyMemory<byte> section, long[] lengths)
    {
        _section = section;
        _lengths = lengths;
        _offsets = lengths.Length == 0 ? [] : new long[lengths.Length];
        long offset = 0;
        for (var i = 0; i < lengths.Length; i++)
        {
            _offsets[i] = offset;
            offset += lengths[i];
        }

        if (offset != section.Length)
        {
            throw new PayloadFormatException($"blob table announces {offset} bytes, the payload holds {section.Length}");
        }
    }

    public static BlobReader Empty { get; } = new(ReadOnlyMemory<byte>.Empty, []);

    /// <summary>Where large values named by their hash are found; null when the reader has none.</summary>
    public ILargeValueSource? LargeValues { get; init; }

    /// <summary>Throws unless this reader can read large values stored apart (before their array is allocated).</summary>
    public ILargeValueSource LargeValueSource =>
        LargeValues ?? throw new PayloadFormatException("the payload names a large value stored apart, and this reader has no store to fetch it from");

    public ReadOnlySpan<byte> Get(int index, long expectedLength)
    {
        if ((uint)index >= (uint)_lengths.Length || _lengths[index] != expectedLength)
        {
            throw new PayloadFormatException($"blob {index} of {expectedLength} bytes does not exist");
        }

        return _section.Span.Slice((int)_offsets[index], (int)expectedLength);
    }
}
