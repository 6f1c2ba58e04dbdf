using BatchPool.Diagnostics;

namespace BatchPool;

/// <summary>
/// A one-line progress bar on standard error, redrawn in place (<c>\r</c>) with each report and ended with a new line
/// once no job is left: <c>new BatchPoolExecutorOptions { Progress = new ConsoleProgressBar() }</c>, or
/// <c>Map(fn, items, progress: new ConsoleProgressBar())</c>. Draws only when standard error is a terminal: redirected
/// to a file or a pipe (a log, CI), it writes nothing.
/// </summary>
public sealed class ConsoleProgressBar : IProgress<BatchPoolProgress>
{
    private readonly TextWriter _writer;
    private readonly Func<int> _width;
    private readonly Lock _gate = new();

    /// <summary>A bar on standard error, when it is a terminal.</summary>
    public ConsoleProgressBar()
        : this(Console.Error, !Console.IsErrorRedirected, TerminalWidth)
    {
    }

    internal ConsoleProgressBar(TextWriter writer, bool draws, Func<int> width)
    {
        _writer = writer;
        Draws = draws;
        _width = width;
    }

    /// <summary>Whether this bar draws (its output is a terminal).</summary>
    public bool Draws { get; }

    /// <summary>Redraws the bar with <paramref name="value"/>.</summary>
    /// <param name="value">The report.</param>
    public void Report(BatchPoolProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!Draws)
        {
            return;
        }
        // One column short of the width: a line that fills the terminal wraps the cursor on some terminals.
        var line = ProgressBarLine.Render(value, Math.Max(_width() - 1, 20));
        lock (_gate)
        {
            _writer.Write('\r');
            _writer.Write(line);
            if (value.IsComplete)
            {
                _writer.WriteLine();
            }
            _writer.Flush();
        }
    }

    private static int TerminalWidth()
    {
        try
        {
            var width = Console.WindowWidth;
            return width > 0 ? width : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
