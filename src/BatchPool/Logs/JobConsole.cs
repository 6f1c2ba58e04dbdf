using System.Text;

namespace BatchPool.Logs;

/// <summary>
/// The worker's console while a call runs: what the call (or the worker about it) writes goes to the worker's own log as
/// before, and is also kept (<see cref="JobLogTail"/>) from <see cref="Begin"/> to <see cref="End"/>, so that every call's
/// log can be stored beside its output, whatever its end. One per worker process: a worker runs one call at a time.
/// </summary>
internal static class JobConsole
{
    /// <summary>How many characters of each call's log are kept (the last ones): 1 MiB of text.</summary>
    public const int LogCapacity = 1 << 20;

    private static readonly JobLogTail Tail = new(LogCapacity);
    private static bool _capturing;

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
            _capturing = false;
            return Tail.IsEmpty ? "" : Tail.Take();
        }
    }

    private static void Keep(ReadOnlySpan<char> text)
    {
        lock (Tail)
        {
            if (_capturing)
            {
                Tail.Append(text);
            }
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
            inner.Write(value);
            Keep([value]);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            inner.Write(buffer, index, count);
            Keep(buffer.AsSpan(index, count));
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            inner.Write(buffer);
            Keep(buffer);
        }

        public override void Write(string? value)
        {
            inner.Write(value);
            Keep(value);
        }

        public override void WriteLine(string? value)
        {
            inner.WriteLine(value);
            Keep(value);
            Keep(CoreNewLine);
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
