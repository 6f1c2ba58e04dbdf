using System.Text;

namespace BatchPool.Logs;

/// <summary>
/// The worker's console while a call runs: what the call (or the worker about it) writes goes to the worker's own log as
/// before, and is also kept (<see cref="JobLogTail"/>) from <see cref="Begin"/> to <see cref="End"/>, so that every call's
/// log can be stored beside its output, whatever its end. One per worker process: a worker runs one call at a time. What
/// the process writes to descriptors 1 and 2 natively (a child process, a C library) is kept too, once
/// <see cref="CaptureNativeOutput"/> has moved them (see <see cref="NativeOutput"/>), in the order it was written
/// relative to Console's text, as far as a pipe read a moment later allows.
/// </summary>
internal static class JobConsole
{
    /// <summary>How many characters of each call's log are kept (the last ones): 1 MiB of text.</summary>
    public const int LogCapacity = 1 << 20;

    private static readonly JobLogTail Tail = new(LogCapacity);
    private static bool _capturing;
    private static NativeOutput? _native;

    /// <summary>The descriptor of the worker's log: its standard error as it started, wherever that has moved.</summary>
    public static int LogDescriptor => _native?.LogDescriptor ?? 2;

    /// <summary>Whether descriptors 1 and 2 lead into the calls' logs (<see cref="CaptureNativeOutput"/> succeeded).</summary>
    public static bool CapturesNativeOutput => _native is not null;

    /// <summary>
    /// Points descriptors 1 (with <paramref name="output"/>) and 2 at a pipe whose text goes to the worker's log and to the
    /// running call's; once per process, before the log's writers are opened (they then write to
    /// <see cref="LogDescriptor"/>). Does nothing where the platform does not allow it.
    /// </summary>
    public static void CaptureNativeOutput(bool output)
    {
        lock (Tail)
        {
            if (_native is not null)
            {
                return;
            }
            _native = NativeOutput.Start(output);
        }
        if (_native is not null)
        {
            // What native code printed just before the process ends by Environment.Exit reaches the worker's log, whose
            // tail the client keeps. (A death by signal or FailFast gives no such chance: the last bytes it printed
            // natively may be lost from that tail.)
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DrainNativeOutput();
            AppDomain.CurrentDomain.UnhandledException += (_, _) => DrainNativeOutput();
        }
    }

    /// <summary>Reads what waits in the native output's pipe into the worker's log and the running call's.</summary>
    public static void DrainNativeOutput()
    {
        lock (Tail)
        {
            _native?.Drain(_capturing ? Tail : null);
        }
    }

    /// <summary>A writer that writes to <paramref name="inner"/> and to the running call's log; thread-safe.</summary>
    public static TextWriter Wrap(TextWriter inner) => TextWriter.Synchronized(new CapturingWriter(inner));

    /// <summary>Starts keeping what is written, for a new call.</summary>
    public static void Begin()
    {
        lock (Tail)
        {
            Tail.Take();
            _capturing = true;
        }
    }

    /// <summary>Stops keeping and returns what the call wrote (empty when nothing).</summary>
    public static string End()
    {
        lock (Tail)
        {
            // What the call's children and native code wrote before it ended (one read that finds the pipe empty when
            // there was nothing).
            _native?.Drain(Tail);
            _capturing = false;
            return Tail.IsEmpty ? "" : Tail.Take();
        }
    }

    /// <summary>
    /// Before Console's text goes to the worker's log: what native code wrote before it goes first, so that lines keep
    /// their order in both logs. The caller holds the lock, until its text is kept too.
    /// </summary>
    private static void ForwardNativeOutputFirst() => _native?.Drain(_capturing ? Tail : null);

    private static void Keep(ReadOnlySpan<char> text)
    {
        if (_capturing)
        {
            Tail.Append(text);
        }
    }

    private sealed class CapturingWriter(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override IFormatProvider FormatProvider => inner.FormatProvider;

        public override string NewLine
        {
#pragma warning disable CS8765 // Matches the base's nullability in practice.
            get => inner.NewLine;
            set => inner.NewLine = value;
#pragma warning restore CS8765
        }

        public override void Write(char value)
        {
            lock (Tail)
            {
                ForwardNativeOutputFirst();
                inner.Write(value);
                Keep([value]);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (Tail)
            {
                ForwardNativeOutputFirst();
                inner.Write(buffer, index, count);
                Keep(buffer.AsSpan(index, count));
            }
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            lock (Tail)
            {
                ForwardNativeOutputFirst();
                inner.Write(buffer);
                Keep(buffer);
            }
        }

        public override void Write(string? value)
        {
            lock (Tail)
            {
                ForwardNativeOutputFirst();
                inner.Write(value);
                Keep(value);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (Tail)
            {
                ForwardNativeOutputFirst();
                inner.WriteLine(value);
                Keep(value);
                Keep(CoreNewLine);
            }
        }

        public override void Flush() => inner.Flush();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
