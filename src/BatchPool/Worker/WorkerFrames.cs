using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace BatchPool.Worker;

/// <summary>
/// The frames of the <c>serve</c> protocol on a worker's standard input and output, all lengths little-endian u32:
/// the secret <c>[len][key]</c> once, then requests <c>[u8 flags][len][run arguments, UTF-8, tab-separated][len][input]</c>,
/// each answered by <c>[i32 exit code][len][output]</c>, preceded by a start notice <c>[-1][0]</c> when the request's
/// flag asked for one (the client sent the job while another was in flight, so it cannot know when it starts). An empty input means "read it from storage", an empty output
/// "written to storage (or not at all)".
/// </summary>
internal static class WorkerFrames
{
    /// <summary>Refuses absurd lengths from a broken peer instead of allocating them.</summary>
    private const int MaxFrame = int.MaxValue - 64;

    public static void WriteSecret(Stream stream, ReadOnlySpan<byte> secret)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)secret.Length);
        stream.Write(length);
        stream.Write(secret);
        stream.Flush();
    }

    public static byte[]? ReadSecret(Stream stream) => ReadBlock(stream);

    /// <summary>A request's flag: the worker says when it starts the job (it was sent while another one was in flight).</summary>
    private const byte AnnounceStartFlag = 1;

    /// <summary>Payloads up to this size are copied into their frame, so that a small job or reply costs one system call.</summary>
    private const int CopiedInputLimit = 64 * 1024;

    /// <summary>
    /// Writes a request: in one piece (one system call on an unbuffered pipe) when the input is small; a large input is
    /// written from where it is, not copied.
    /// </summary>
    public static void WriteRequest(Stream stream, IReadOnlyList<string> arguments, ReadOnlySpan<byte> input, bool announceStart)
    {
        // The arguments are encoded one by one, tab-separated, straight into the frame: no joined string per job.
        var textLength = Math.Max(0, arguments.Count - 1);
        foreach (var argument in arguments)
        {
            textLength += Encoding.UTF8.GetByteCount(argument);
        }
        var copied = input.Length <= CopiedInputLimit ? input.Length : 0;
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
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(5 + textLength), (uint)input.Length);
            input[..copied].CopyTo(frame.AsSpan(9 + textLength));
            stream.Write(frame, 0, frameLength);
            stream.Write(input[copied..]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Reads one request, or null at the end of the stream.</summary>
    public static ServeRequest? ReadRequest(Stream stream)
    {
        var flags = stream.ReadByte();
        if (flags < 0)
        {
            return null;
        }
        var text = ReadBlock(stream) ?? throw new EndOfStreamException("the stream ended inside a request");
        var input = ReadBlock(stream) ?? throw new EndOfStreamException("the stream ended inside a request");
        return new ServeRequest(Encoding.UTF8.GetString(text).Split('\t'), input, (flags & AnnounceStartFlag) != 0);
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

    /// <summary>Reads one reply, or null when the stream ended (the worker died).</summary>
    public static async Task<ReplyFrame?> ReadReplyAsync(Stream stream)
    {
        var header = new byte[8];
        if (await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false).ConfigureAwait(false) < header.Length)
        {
            return null;
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
        if (length > MaxFrame)
        {
            throw new InvalidDataException($"a worker announced an output of {length} bytes");
        }
        var output = GC.AllocateUninitializedArray<byte>((int)length);
        if (await stream.ReadAtLeastAsync(output, output.Length, throwOnEndOfStream: false).ConfigureAwait(false) < output.Length)
        {
            return null;
        }
        return new ReplyFrame(BinaryPrimitives.ReadInt32LittleEndian(header), output);
    }

    private static byte[]? ReadBlock(Stream stream)
    {
        Span<byte> header = stackalloc byte[4];
        if (stream.ReadAtLeast(header, 4, throwOnEndOfStream: false) < 4)
        {
            return null;
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length > MaxFrame)
        {
            throw new InvalidDataException($"a frame of {length} bytes is beyond any request");
        }
        var block = GC.AllocateUninitializedArray<byte>((int)length);
        stream.ReadExactly(block);
        return block;
    }
}

/// <summary>
/// One request of the <c>serve</c> protocol. A class, not a tuple: generic code over a class is shared and comes
/// precompiled with the framework, while a value tuple's would be compiled when a fresh worker starts.
/// </summary>
internal sealed record ServeRequest(string[] Arguments, byte[] Input, bool AnnounceStart);

/// <summary>One reply of the <c>serve</c> protocol (a class for the same reason as <see cref="ServeRequest"/>).</summary>
internal sealed record ReplyFrame(int ExitCode, byte[] Output);
