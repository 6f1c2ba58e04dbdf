using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace BatchPool.Worker;

/// <summary>
/// The frames of the <c>serve</c> protocol on a worker's standard input and output, all lengths little-endian u32:
/// the hello <c>[len][key][len][storage locator][len][folder]</c> once (answered by the notice <c>[-2][0]</c> that the
/// worker is up), then requests <c>[u8 flags][len][run arguments, UTF-8, tab-separated][len][input]</c>, each answered by
/// <c>[i32 exit code][len][output]</c>, preceded by a start notice <c>[-1][0]</c> when the request's flag asked for one
/// (the client sent the job while another was in flight, so it cannot know when it starts). An empty input means "read
/// it from storage", an empty output "written to storage (or not at all)". The worker's output starts with a preamble
/// (<see cref="WritePreamble"/>): what a process printed before it is not the protocol's.
/// </summary>
internal static class WorkerFrames
{
    /// <summary>Refuses absurd lengths from a broken peer instead of allocating them.</summary>
    private const int MaxFrame = int.MaxValue - 64;

    /// <summary>
    /// Writes the hello that makes a started worker an executor's: the secret, then the executor's storage and folder, and
    /// whether the worker may serve another executor after it (<see cref="WorkerProtocol.RecycleCommand"/>). Before any
    /// request, and again after each recycle; a spare worker (<see cref="WorkerProtocol.SpareOption"/>) waits for it.
    /// </summary>
    public static void WriteHello(Stream stream, ReadOnlySpan<byte> secret, string storageLocator, string folder, bool recyclable)
    {
        WriteBlock(stream, secret);
        WriteBlock(stream, Encoding.UTF8.GetBytes(storageLocator));
        WriteBlock(stream, Encoding.UTF8.GetBytes(folder));
        WriteBlock(stream, [recyclable ? RecyclableFlag : (byte)0]);
        stream.Flush();
    }

    /// <summary>Reads the hello (<see cref="WriteHello"/>), or null when the stream ends first.</summary>
    public static WorkerHello? ReadHello(Stream stream)
    {
        if (ReadBlock(stream) is not { } secret || ReadBlock(stream) is not { } locator || ReadBlock(stream) is not { } folder
            || ReadBlock(stream) is not [var flags])
        {
            return null;
        }
        return new WorkerHello(secret, Encoding.UTF8.GetString(locator), Encoding.UTF8.GetString(folder), (flags & RecyclableFlag) != 0);
    }

    /// <summary>A hello's flag: the executor's code is loaded so that it can be unloaded, for the next executor.</summary>
    private const byte RecyclableFlag = 1;

    private static void WriteBlock(Stream stream, ReadOnlySpan<byte> block)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)block.Length);
        stream.Write(length);
        stream.Write(block);
    }

    /// <summary>A request's flag: the worker says when it starts the job (it was sent while another one was in flight).</summary>
    private const byte AnnounceStartFlag = 1;

    /// <summary>Payloads up to this size are copied into their frame, so that a small job or reply costs one system call.</summary>
    private const int CopiedInputLimit = 64 * 1024;

    /// <summary>
    /// Writes a request: in one piece (one system call on an unbuffered pipe) when the input is small; a large input is
    /// written from where it is, not copied.
    /// </summary>
    public static void WriteRequest(Stream stream, IReadOnlyList<string> arguments, in ReadOnlySequence<byte> input, bool announceStart)
    {
        // The arguments are encoded one by one, tab-separated, straight into the frame: no joined string per job.
        var textLength = Math.Max(0, arguments.Count - 1);
        for (var i = 0; i < arguments.Count; i++)
        {
            // Indexed, not foreach: an enumerator of the interface would be one more object per request.
            textLength += Encoding.UTF8.GetByteCount(arguments[i]);
        }
        var copied = input.Length <= CopiedInputLimit ? (int)input.Length : 0;
        var frameLength = 9 + textLength + copied;
        var frame = ArrayPool<byte>.Shared.Rent(frameLength);
        try
        {
            frame[0] = announceStart ? AnnounceStartFlag : (byte)0;
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(1), (uint)textLength);
            var at = 5;
            for (var i = 0; i < arguments.Count; i++)
            {
                if (i > 0)
                {
                    frame[at++] = (byte)'\t';
                }
                at += Encoding.UTF8.GetBytes(arguments[i], frame.AsSpan(at));
            }
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(5 + textLength), checked((uint)input.Length));
            input.Slice(0, copied).CopyTo(frame.AsSpan(9 + textLength));
            stream.Write(frame, 0, frameLength);
            foreach (var segment in input.Slice(copied))
            {
                stream.Write(segment.Span);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Reads one request, or null at the end of the stream.</summary>
    /// <param name="stream">The worker's standard input.</param>
    /// <param name="words">The reader's decoder of the requests' words, kept from request to request.</param>
    public static ServeRequest? ReadRequest(Stream stream, RequestWords words)
    {
        var flags = stream.ReadByte();
        if (flags < 0)
        {
            return null;
        }
        var arguments = words.Read(stream) ?? throw new EndOfStreamException("the stream ended inside a request");
        var input = ReadBlock(stream) ?? throw new EndOfStreamException("the stream ended inside a request");
        return new ServeRequest(arguments, input, (flags & AnnounceStartFlag) != 0);
    }

    /// <summary>
    /// Writes a reply; the caller flushes (a job's end and the next one's start go out in one write). Synchronous: a
    /// pipe write returns at once unless the client stops reading, and an asynchronous write to standard output would
    /// hand every reply to another thread.
    /// </summary>
    public static void WriteReply(Stream stream, int exitCode, ReadOnlySpan<byte> output)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(header, exitCode);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)output.Length);
        stream.Write(header);
        stream.Write(output);
    }

    /// <summary>
    /// The first bytes of a <c>serve</c> worker's output. A NUL byte first: text printed before it (a startup hook writing
    /// to standard output before the worker moves its replies, see <see cref="ProtocolStreams"/>) has none, so a reader
    /// that has matched part of the preamble and meets a mismatch only has to look whether that byte starts it again.
    /// </summary>
    private static ReadOnlySpan<byte> Preamble => "\0BatchPool serve 1\n"u8;

    /// <summary>What the client skips at most before the preamble: a process that prints more is not a worker.</summary>
    internal const int MaxBeforePreamble = 1 << 20;

    /// <summary>Writes the preamble; the caller flushes (it leaves with the first reply).</summary>
    public static void WritePreamble(Stream stream) => stream.Write(Preamble);

    /// <summary>
    /// Reads up to the end of the preamble and returns what came before it (usually nothing), or null when the stream
    /// ended first (the worker died).
    /// </summary>
    /// <exception cref="InvalidDataException">More than <see cref="MaxBeforePreamble"/> bytes came before it.</exception>
    public static byte[]? ReadPreamble(Stream stream)
    {
        var preamble = Preamble;
        var before = new MemoryStream();
        var matched = 0;
        while (matched < preamble.Length)
        {
            var next = stream.ReadByte();
            if (next < 0)
            {
                return null;
            }
            if (next == preamble[matched])
            {
                matched++;
                continue;
            }
            // The preamble's first byte occurs nowhere else in it: the bytes matched so far were text, and this byte
            // either starts the preamble again or is text too.
            before.Write(preamble[..matched]);
            matched = next == preamble[0] ? 1 : 0;
            if (matched == 0)
            {
                before.WriteByte((byte)next);
            }
            if (before.Length > MaxBeforePreamble)
            {
                throw new InvalidDataException($"its output did not start with the protocol's preamble within {MaxBeforePreamble} bytes");
            }
        }
        return before.ToArray();
    }

    /// <summary>Reads one reply, or null when the stream ended (the worker died).</summary>
    /// <param name="stream">The worker's standard output.</param>
    public static ReplyFrame? ReadReply(Stream stream)
    {
        Span<byte> header = stackalloc byte[8];
        if (stream.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8)
        {
            return null;
        }
        var exitCode = BinaryPrimitives.ReadInt32LittleEndian(header);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        // Notices are negative, exit codes a process's; anything else is not a reply (and its length no length).
        if (exitCode is < WorkerProtocol.Recycled or > 255)
        {
            throw new InvalidDataException($"a reply's header starts with {exitCode}, which is neither an exit code nor a notice");
        }
        if (length > MaxFrame)
        {
            throw new InvalidDataException($"a worker announced an output of {length} bytes");
        }
        var output = GC.AllocateUninitializedArray<byte>((int)length);
        if (stream.ReadAtLeast(output, output.Length, throwOnEndOfStream: false) < output.Length)
        {
            return null;
        }
        return new ReplyFrame(exitCode, output);
    }

    private static byte[]? ReadBlock(Stream stream)
    {
        if (ReadBlockLength(stream) is not { } length)
        {
            return null;
        }
        var block = GC.AllocateUninitializedArray<byte>(length);
        stream.ReadExactly(block);
        return block;
    }

    /// <summary>A block's length, or null at the end of the stream.</summary>
    internal static int? ReadBlockLength(Stream stream)
    {
        Span<byte> header = stackalloc byte[4];
        if (stream.ReadAtLeast(header, 4, throwOnEndOfStream: false) < 4)
        {
            return null;
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        return length <= MaxFrame ? (int)length : throw new InvalidDataException($"a frame of {length} bytes is beyond any request");
    }
}

/// <summary>
/// Reads the words of requests (UTF-8, tab-separated) for one reader, reusing the previous request's string for a word
/// whose bytes did not change: one executor's requests differ in the call's name only, and a worker reads one per job.
/// </summary>
internal sealed class RequestWords
{
    private byte[] _text = new byte[256];
    private byte[] _previousText = new byte[256];
    private Range[] _previousRanges = [];
    private string[] _previousWords = [];

    /// <summary>Reads one block of words, or null at the end of the stream.</summary>
    public string[]? Read(Stream stream)
    {
        if (WorkerFrames.ReadBlockLength(stream) is not { } length)
        {
            return null;
        }
        if (_text.Length < length)
        {
            _text = new byte[Math.Max(length, _text.Length * 2)];
        }
        var text = _text.AsSpan(0, length);
        stream.ReadExactly(text);

        var words = new string[text.Count((byte)'\t') + 1];
        var ranges = new Range[words.Length];
        var start = 0;
        for (var i = 0; i < words.Length; i++)
        {
            var end = text[start..].IndexOf((byte)'\t') is var tab and >= 0 ? start + tab : length;
            var word = text[start..end];
            words[i] = i < _previousWords.Length && word.SequenceEqual(_previousText.AsSpan()[_previousRanges[i]])
                ? _previousWords[i]
                : Encoding.UTF8.GetString(word);
            ranges[i] = start..end;
            start = end + 1;
        }

        // This request's text becomes the one to compare the next with.
        (_text, _previousText) = (_previousText, _text);
        _previousRanges = ranges;
        _previousWords = words;
        return words;
    }
}

/// <summary>
/// One request of the <c>serve</c> protocol. A class, not a tuple: generic code over a class is shared and comes
/// precompiled with the framework, while a value tuple's would be compiled when a fresh worker starts.
/// </summary>
internal sealed record ServeRequest(string[] Arguments, byte[] Input, bool AnnounceStart);

/// <summary>One reply of the <c>serve</c> protocol (a class for the same reason as <see cref="ServeRequest"/>).</summary>
internal sealed record ReplyFrame(int ExitCode, byte[] Output);

/// <summary>
/// What a worker learns from its client before an executor's first job: the executor's secret, storage and folder, and
/// whether it may serve another executor afterwards (its code is then loaded so that it can be unloaded).
/// </summary>
internal sealed record WorkerHello(byte[] Secret, string StorageLocator, string Folder, bool Recyclable);
