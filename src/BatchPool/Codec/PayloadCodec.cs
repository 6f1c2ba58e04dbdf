using System.Buffers.Binary;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace BatchPool.Codec;

/// <summary>
/// Encodes object graphs (shipped calls, their results) into authenticated, versioned payloads and decodes them, in
/// this or another process that loaded the same builds of the user assemblies. Thread-safe: use one per executor or worker.
/// </summary>
internal sealed class PayloadCodec
{
    private const int LargeGraphObjects = 20_000;
    private const int LargeBodyBytes = 256 * 1024;

    // Environment.Version builds a new Version at every call; every payload reads it.
    private static readonly byte RuntimeMajor = (byte)Environment.Version.Major;
    private static readonly byte RuntimeMinor = (byte)Environment.Version.Minor;

    private readonly PayloadMac _mac;
    private readonly GraphInspector _inspector = new();
    private readonly IObjectGraphEngine _engine;
    private BlobReader? _emptyBlobs;

    /// <summary>Creates a codec.</summary>
    /// <param name="key">The MAC key shared by the executor and its workers (32 random bytes); never logged.</param>
    public PayloadCodec(ReadOnlyMemory<byte> key)
    {
        _mac = new PayloadMac(key.Span);
        _engine = new ObjectGraphEngine(_inspector);
    }

    /// <summary>
    /// Encodes <paramref name="graph"/>. Throws <see cref="UnserializableValueException"/>, naming the path, when the
    /// graph holds something that only makes sense in this process (a stream, thread, task, handle, pointer…).
    /// </summary>
    /// <param name="graph">The value to encode.</param>
    /// <param name="kind">What it is.</param>
    /// <param name="largeValues">
    /// When given, arrays of <see cref="LargeValue.Threshold"/> bytes and more are named by their hash instead of carried
    /// (<see cref="EncodedPayload.LargeValues"/> lists them), each hashed once for all the payloads encoded with it.
    /// </param>
    public EncodedPayload Encode(object graph, PayloadKind kind, LargeValueHashes? largeValues = null)
    {
        var inspection = _inspector.Inspect(graph);
        var blobs = new BlobWriter(largeValues) { LargePaths = inspection.LargeArrayPaths };
        using var body = new PooledBufferStream();
        if (inspection.ObjectCount > LargeGraphObjects)
        {
            DeepStack.Run((_engine, graph, body, blobs), static s =>
            {
                s._engine.Serialize(s.graph, s.body, s.blobs);
                return 0;
            });
        }
        else
        {
            // Small graphs (nearly all) on this thread, without a closure to allocate.
            _engine.Serialize(graph, body, blobs);
        }

        // BatchPool itself is pinned too (last, after the user's): a worker of another BatchPool build says so plainly.
        var identities = new AssemblyIdentity[inspection.UserAssemblies.Count + 1];
        var headerLength = PayloadLayout.FixedHeaderLength + 4 + 4 + (8 * blobs.Count);
        for (var i = 0; i < identities.Length; i++)
        {
            identities[i] = AssemblyIdentity.Of(i < inspection.UserAssemblies.Count ? inspection.UserAssemblies[i] : AssemblyKind.Library);
            headerLength += 1 + identities[i].Utf8Name.Length + 16;
        }
        var total = headerLength + body.Length + blobs.TotalBytes + PayloadLayout.MacLength;
        if (total > Array.MaxLength)
        {
            throw new InvalidOperationException($"a payload of {total} bytes exceeds the 2 GB limit of one payload; ship large data through storage instead");
        }

        var payload = GC.AllocateUninitializedArray<byte>((int)total);
        var span = payload.AsSpan();
        PayloadLayout.Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[PayloadLayout.VersionOffset..], PayloadLayout.FormatVersion);
        span[PayloadLayout.KindOffset] = (byte)kind;
        var gmac = PayloadMac.UsesGmac(total);
        span[PayloadLayout.FlagsOffset] = gmac ? PayloadLayout.GmacFlag : (byte)0;
        BinaryPrimitives.WriteUInt64LittleEndian(span[PayloadLayout.TotalLengthOffset..], (ulong)total);
        span[PayloadLayout.RuntimeMajorOffset] = RuntimeMajor;
        span[PayloadLayout.RuntimeMinorOffset] = RuntimeMinor;
        BinaryPrimitives.WriteUInt16LittleEndian(span[PayloadLayout.AssemblyCountOffset..], checked((ushort)identities.Length));
        var offset = PayloadLayout.FixedHeaderLength;
        for (var i = 0; i < identities.Length; i++)
        {
            var name = identities[i].Utf8Name;
            span[offset++] = checked((byte)name.Length);
            name.CopyTo(span[offset..]);
            offset += name.Length;
            identities[i].BuildId.TryWriteBytes(span[offset..]);
            offset += 16;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[offset..], (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(offset + 4)..], (uint)blobs.Count);
        offset += 8;
        for (var i = 0; i < blobs.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[offset..], (ulong)blobs.LengthOf(i));
            offset += 8;
        }

        body.WrittenSpan.CopyTo(span[offset..]);
        offset += (int)body.Length;
        for (var i = 0; i < blobs.Count; i++)
        {
            var bytes = blobs.BytesOf(i);
            bytes.CopyTo(span[offset..]);
            offset += bytes.Length;
        }

        _mac.Sign(span[..offset], span[offset..], gmac);

        return new EncodedPayload(payload, inspection.UserAssemblies, blobs.LargeValues);
    }

    /// <summary>
    /// Decodes a payload. Verifies magic, format version, length, MAC and kind before reading anything else, then the
    /// writer's .NET major.minor and the build (MVID) of every user assembly it names, resolved in the calling thread's
    /// contextual <see cref="System.Runtime.Loader.AssemblyLoadContext"/>. Throws <see cref="InvalidPayloadException"/>.
    /// </summary>
    /// <param name="payload">The payload.</param>
    /// <param name="expectedKind">What it must hold.</param>
    /// <param name="largeValues">Where the large values it names by hash are (a payload that names one cannot be read without).</param>
    public object Decode(ReadOnlyMemory<byte> payload, PayloadKind expectedKind, ILargeValueSource? largeValues = null)
    {
        var span = payload.Span;
        var authenticLength = Authenticate(span, expectedKind);
        var resolver = TypeResolver.Current;
        var reader = new HeaderReader(span[..authenticLength]);
        var writerMajor = span[PayloadLayout.RuntimeMajorOffset];
        var writerMinor = span[PayloadLayout.RuntimeMinorOffset];
        if (writerMajor != RuntimeMajor || writerMinor != RuntimeMinor)
        {
            throw new InvalidPayloadException(
                PayloadRejection.RuntimeMismatch,
                $"payload written by .NET {writerMajor}.{writerMinor}, this process runs .NET {RuntimeMajor}.{RuntimeMinor}");
        }

        reader.Position = PayloadLayout.AssemblyCountOffset;
        var assemblyCount = reader.UInt16();
        for (var i = 0; i < assemblyCount; i++)
        {
            var name = Encoding.UTF8.GetString(reader.Bytes(reader.Byte()));
            CheckAssembly(name, new Guid(reader.Bytes(16)), resolver);
        }

        var bodyLength = reader.UInt32();
        var blobCount = reader.UInt32();
        if (blobCount > (uint)(authenticLength / 8))
        {
            throw Corrupt($"blob table of {blobCount} entries exceeds the payload");
        }

        // Most payloads have no blob: no table, and the shared empty reader, for them.
        long[] blobLengths = blobCount == 0 ? [] : new long[blobCount];
        for (var i = 0; i < blobLengths.Length; i++)
        {
            var length = reader.UInt64();
            blobLengths[i] = length <= (ulong)authenticLength ? (long)length : throw Corrupt($"blob {i} of {length} bytes exceeds the payload");
        }

        var bodyStart = reader.Position;
        if (bodyLength > authenticLength - bodyStart)
        {
            throw Corrupt($"body of {bodyLength} bytes exceeds the payload");
        }

        var blobStart = bodyStart + (int)bodyLength;
        try
        {
            var blobs = blobCount == 0 && blobStart == authenticLength
                ? EmptyBlobs(largeValues)
                : new BlobReader(payload[blobStart..authenticLength], blobLengths) { LargeValues = largeValues };
            using var body = OpenBody(payload.Slice(bodyStart, (int)bodyLength));
            return (bodyLength > LargeBodyBytes
                       ? DeepStack.Run((_engine, body, blobs, resolver), static s => s._engine.Deserialize(s.body, s.blobs, s.resolver))
                       : _engine.Deserialize(body, blobs, resolver))
                   ?? throw Corrupt("the payload holds no value");
        }
        catch (InvalidPayloadException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Corrupt(DescribeFailure(e), e);
        }
    }

    /// <summary>
    /// The blob reader of a payload without blobs (nearly all), made once per large-value source: a client decodes every
    /// output, a worker every input, with the same source.
    /// </summary>
    private BlobReader EmptyBlobs(ILargeValueSource? largeValues)
    {
        if (largeValues is null)
        {
            return BlobReader.Empty;
        }
        // A race makes one reader more; either serves.
        if (_emptyBlobs is { } kept && ReferenceEquals(kept.LargeValues, largeValues))
        {
            return kept;
        }
        return _emptyBlobs = new BlobReader(ReadOnlyMemory<byte>.Empty, []) { LargeValues = largeValues };
    }

    private int Authenticate(ReadOnlySpan<byte> span, PayloadKind expectedKind)
    {
        var magic = PayloadLayout.Magic;
        if (span.Length < magic.Length)
        {
            throw magic.StartsWith(span) && span.Length > 0
                ? new InvalidPayloadException(PayloadRejection.Truncated, $"payload of {span.Length} bytes is truncated: it ends inside the magic number")
                : new InvalidPayloadException(PayloadRejection.NotAPayload, $"{span.Length} bytes are not a BatchPool payload (no magic number)");
        }

        if (!span.StartsWith(magic))
        {
            throw new InvalidPayloadException(PayloadRejection.NotAPayload, "these bytes are not a BatchPool payload: they do not start with the magic number \"BPLD\"");
        }

        if (span.Length < PayloadLayout.FixedHeaderLength)
        {
            throw new InvalidPayloadException(PayloadRejection.Truncated, $"payload of {span.Length} bytes is truncated: it ends inside the header");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(span[PayloadLayout.VersionOffset..]);
        if (version != PayloadLayout.FormatVersion)
        {
            throw new InvalidPayloadException(
                PayloadRejection.UnsupportedFormatVersion,
                $"payload format version {version} is not supported: this reader understands version {PayloadLayout.FormatVersion} (writer and reader run different BatchPool versions)");
        }

        var total = BinaryPrimitives.ReadUInt64LittleEndian(span[PayloadLayout.TotalLengthOffset..]);
        if ((ulong)span.Length < total)
        {
            throw new InvalidPayloadException(PayloadRejection.Truncated, $"payload is truncated: it holds {span.Length} bytes, its header announces {total}");
        }

        if ((ulong)span.Length > total || total < PayloadLayout.MinimumLength)
        {
            throw new InvalidPayloadException(PayloadRejection.Corrupt, $"payload holds {span.Length} bytes, its header announces {total}");
        }

        var flags = span[PayloadLayout.FlagsOffset];
        if ((flags & ~PayloadLayout.GmacFlag) != 0)
        {
            throw new InvalidPayloadException(PayloadRejection.Corrupt, $"payload has unknown flags {flags:X2}");
        }

        var authenticLength = span.Length - PayloadLayout.MacLength;
        if (!_mac.Verify(span[..authenticLength], span[authenticLength..], gmac: flags == PayloadLayout.GmacFlag))
        {
            throw new InvalidPayloadException(
                PayloadRejection.AuthenticationFailed,
                "payload authentication failed: it was altered, or written with another key (another executor)");
        }

        var kind = (PayloadKind)span[PayloadLayout.KindOffset];
        if (kind != expectedKind)
        {
            throw new InvalidPayloadException(PayloadRejection.WrongKind, $"payload holds a {Describe(kind)}, expected a {Describe(expectedKind)}");
        }

        return authenticLength;
    }

    private static void CheckAssembly(string name, Guid writerBuild, TypeResolver resolver)
    {
        var loaded = resolver.TryLoadAssembly(name);
        if (loaded is null)
        {
            throw new InvalidPayloadException(
                PayloadRejection.AssemblyMismatch,
                $"payload was written against {name} build {writerBuild}, which this process cannot load (load context '{resolver.Context.Name}')" +
                (resolver.LoadFailureOf(name) is { } failure ? $": {(failure.InnerException ?? failure).Message}" : ""));
        }

        var readerBuild = AssemblyIdentity.Of(loaded).BuildId;
        if (readerBuild != writerBuild)
        {
            var location = string.IsNullOrEmpty(loaded.Location) ? "memory" : loaded.Location;
            throw new InvalidPayloadException(
                PayloadRejection.AssemblyMismatch,
                $"payload was written against {name} build {writerBuild}, this process loaded build {readerBuild} from {location}");
        }
    }

    private static Stream OpenBody(ReadOnlyMemory<byte> body) =>
        MemoryMarshal.TryGetArray(body, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);

    private static string DescribeFailure(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is PayloadFormatException format)
            {
                return "payload cannot be decoded: " + format.Message;
            }
        }

        var innermost = e;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return $"payload cannot be decoded: {innermost.GetType().Name}: {innermost.Message}";
    }

    private static string Describe(PayloadKind kind) => Enum.IsDefined(kind) ? kind.ToString() : $"kind {(byte)kind}";

    private static InvalidPayloadException Corrupt(string message, Exception? inner = null) =>
        new(PayloadRejection.Corrupt, message, inner);

    /// <summary>Bounds-checked little-endian reads over the authenticated header.</summary>
    private ref struct HeaderReader(ReadOnlySpan<byte> span)
    {
        private readonly ReadOnlySpan<byte> _span = span;

        public int Position { get; set; }

        public byte Byte() => Bytes(1)[0];

        public ushort UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2));

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8));

        public ReadOnlySpan<byte> Bytes(int count)
        {
            if (count > _span.Length - Position)
            {
                throw Corrupt("header ends unexpectedly");
            }

            var bytes = _span.Slice(Position, count);
            Position += count;
            return bytes;
        }
    }
}
