using System.Runtime.InteropServices;
using System.Text;

namespace BatchPool.Logs;

/// <summary>
/// What a worker's process writes to descriptors 1 and 2 behind Console's back (a C library's <c>printf</c>, a child
/// process the job starts with inherited output, the runtime's own diagnostics), brought into the running call's log.
/// On Linux, both descriptors become the write end of one pipe, and the real standard error (the worker's log, whose tail
/// the client keeps) moves to a descriptor of its own, closed on exec. Whoever holds <see cref="JobConsole"/>'s lock reads
/// the pipe without blocking: a thread that waits in <c>poll</c> does so as soon as bytes arrive (so that the pipe never
/// fills and its bytes reach the worker's log at once), a managed write first (so that lines keep their order), and a
/// call's end last (so that what the call's children printed before it ended is the call's). A call that prints nothing
/// costs one <c>read</c> that finds the pipe empty, at its end.
/// </summary>
internal sealed class NativeOutput
{
    private const int StandardOutput = 1;
    private const int StandardError = 2;
    private const int DuplicateCloseOnExecCommand = 1030; // F_DUPFD_CLOEXEC
    private const int GetStatusFlagsCommand = 3; // F_GETFL
    private const int SetStatusFlagsCommand = 4; // F_SETFL
    private const int NonBlocking = 0x800; // O_NONBLOCK
    private const int CloseOnExec = 0x80000; // O_CLOEXEC
    private const short ReadableEvent = 0x1; // POLLIN
    private const int Interrupted = 4; // EINTR

    private readonly int _pipe;
    // Small buffers (read again while bytes wait): a worker's start allocates nothing from the large-object heap here.
    private readonly byte[] _bytes = new byte[1 << 12];
    private readonly char[] _chars = new char[(1 << 12) + 4];
    // One decoder across reads: a character cut between two reads is decoded whole.
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetDecoder();

    private NativeOutput(int pipe, int log)
    {
        _pipe = pipe;
        LogDescriptor = log;
    }

    /// <summary>The worker's real standard error, where its log goes (the descriptor 2 it started with).</summary>
    public int LogDescriptor { get; }

    /// <summary>
    /// Points descriptors 1 and 2 at a pipe this process reads; null where the platform does not allow it (then nothing
    /// changes). <paramref name="output"/>: whether descriptor 1 is captured too (false while it still carries something
    /// else, such as the protocol's replies when they could not be moved aside).
    /// </summary>
    public static NativeOutput? Start(bool output)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        var log = DuplicateDescriptor(StandardError, DuplicateCloseOnExecCommand, StandardError + 1);
        if (log < 0)
        {
            return null;
        }
        var ends = new int[2];
        if (CreatePipe(ends, CloseOnExec) != 0)
        {
            _ = Close(log);
            return null;
        }
        var (read, write) = (ends[0], ends[1]);
        // Only the read end is non-blocking: a writer whose output outruns the reader waits, as on any pipe.
        var flags = ControlDescriptor(read, GetStatusFlagsCommand, 0);
        var capture = flags >= 0 && ControlDescriptor(read, SetStatusFlagsCommand, flags | NonBlocking) >= 0 ? new NativeOutput(read, log) : null;
        capture?.CompileReadingPath();
        if (capture is null || ReplaceDescriptor(write, StandardError) < 0 || (output && ReplaceDescriptor(write, StandardOutput) < 0))
        {
            // Descriptor 2 back as it was, should it have moved.
            _ = ReplaceDescriptor(log, StandardError);
            _ = Close(read);
            _ = Close(write);
            _ = Close(log);
            return null;
        }
        // Descriptors 1 and 2 are the write end now (inherited by child processes, as any process's are).
        _ = Close(write);
        new Thread(capture.Watch) { IsBackground = true, Name = "batchpool-native-output" }.Start();
        return capture;
    }

    /// <summary>
    /// Runs once, before descriptors 1 and 2 lead into the pipe, all the code that reads it: that code must never wait for
    /// the JIT, which may itself print into the pipe (<c>DOTNET_JitDisasmSummary</c>) and, with the pipe full, wait for
    /// the reader. BatchPool.dll carries ReadyToRun code for it, so this mostly binds that code, and compiles the
    /// marshalling stubs of <c>read</c> and <c>poll</c>; when a method is recompiled later (tiering up), the runtime does so
    /// on its own thread while the reading thread runs the code it has. (Finding these methods by reflection and compiling
    /// them optimized, as this did before, cost every worker's start about 7 ms: bench/README.md.)
    /// </summary>
    private void CompileReadingPath()
    {
        Drain(null);
        var watched = new PollDescriptor { Descriptor = _pipe, Events = ReadableEvent };
        _ = Poll(ref watched, 1, 0);
        JobConsole.DrainNativeOutput();
        // Appending past a small tail's capacity runs its trimming too.
        var tail = new JobLogTail(4);
        tail.Append("native".AsSpan());
        _ = tail.Take();
    }

    /// <summary>
    /// Reads what waits in the pipe, forwards it to the worker's log and appends its text to <paramref name="call"/> (the
    /// running call's log; null between calls); never blocks. The caller holds <see cref="JobConsole"/>'s lock.
    /// </summary>
    public void Drain(JobLogTail? call)
    {
        while (true)
        {
            var count = (int)Read(_pipe, _bytes, _bytes.Length);
            if (count <= 0)
            {
                // Empty (EAGAIN), or interrupted: what comes next is read by the watching thread.
                return;
            }
            ForwardToLog(count);
            var chars = _decoder.GetChars(_bytes, 0, count, _chars, 0, flush: false);
            call?.Append(_chars.AsSpan(0, chars));
        }
    }

    /// <summary>
    /// Writes the bytes read to the worker's log, whole (a pipe may take them in parts). A log whose reader is gone (the
    /// client died) takes nothing more: the call's own log still gets the text.
    /// </summary>
    private void ForwardToLog(int count)
    {
        var written = 0;
        while (written < count)
        {
            var wrote = (int)Write(LogDescriptor, _bytes, written, count - written);
            if (wrote <= 0)
            {
                if (wrote < 0 && Marshal.GetLastPInvokeError() == Interrupted)
                {
                    continue;
                }
                return;
            }
            written += wrote;
        }
    }

    /// <summary>Waits for bytes in the pipe and has them drained, for the life of the process.</summary>
    private void Watch()
    {
        var watched = new PollDescriptor { Descriptor = _pipe, Events = ReadableEvent };
        while (true)
        {
            watched.Returned = 0;
            if (Poll(ref watched, 1, -1) > 0)
            {
                JobConsole.DrainNativeOutput();
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollDescriptor
    {
        public int Descriptor;
        public short Events;
        public short Returned;
    }

    // DllImport rather than LibraryImport, as in ProtocolStreams: ints and blittable arrays only.
    [DllImport("libc", EntryPoint = "fcntl")]
    private static extern int DuplicateDescriptor(int descriptor, int command, int lowest);

    [DllImport("libc", EntryPoint = "fcntl")]
    private static extern int ControlDescriptor(int descriptor, int command, int argument);

    [DllImport("libc", EntryPoint = "pipe2")]
    private static extern int CreatePipe(int[] ends, int flags);

    [DllImport("libc", EntryPoint = "dup2")]
    private static extern int ReplaceDescriptor(int from, int to);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int descriptor);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern nint WriteAt(int descriptor, ref byte bytes, nint count);

    private static nint Write(int descriptor, byte[] bytes, int offset, int count) => WriteAt(descriptor, ref bytes[offset], count);

    [DllImport("libc", EntryPoint = "read")]
    private static extern nint Read(int descriptor, byte[] bytes, nint count);

    [DllImport("libc", EntryPoint = "poll")]
    private static extern int Poll(ref PollDescriptor descriptors, nuint count, int timeoutMs);
}
