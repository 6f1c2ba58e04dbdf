using BatchPool.Diagnostics;

namespace BatchPool.Tests.Diagnostics;

/// <summary>The console bar: what it draws, and that it draws nothing when standard error is not a terminal.</summary>
[Collection(DiagnosticsCollection.Name)]
public sealed class ConsoleProgressBarTests
{
    [Fact]
    public void Redirected_standard_error_gets_nothing_even_from_a_real_map()
    {
        // The test host's standard error is a pipe, as in CI or `2> log`.
        Assert.True(Console.IsErrorRedirected);
        var bar = new ConsoleProgressBar();
        Assert.False(bar.Draws);
        var original = Console.Error;
        using var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Progress = bar });
            Assert.Equal([1, 2, 3], bpe.Map((int x) => x + 1, [0, 1, 2], progress: bar));
            bar.Report(new BatchPoolProgress(0, 0, 3, 0, 0, 0, TimeSpan.FromSeconds(1)));
        }
        finally
        {
            Console.SetError(original);
        }
        Assert.Equal("", captured.ToString());
    }

    [Fact]
    public void On_a_terminal_each_report_redraws_the_line_and_the_last_ends_it()
    {
        using var terminal = new StringWriter();
        var bar = new ConsoleProgressBar(terminal, draws: true, () => 81);
        bar.Report(new BatchPoolProgress(6, 2, 2, 0, 0, 0, TimeSpan.FromSeconds(4)));
        bar.Report(new BatchPoolProgress(0, 0, 9, 1, 0, 0, TimeSpan.FromSeconds(9)));
        var lines = terminal.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(80, lines[0].Length);
        Assert.Matches(@"^\[#{6,8}-+\]  20% 2/10 jobs, 2 running \| 0:04, ~0:16 left *$", lines[0]);
        Assert.Equal(80 + Environment.NewLine.Length, lines[1].Length);
        Assert.Matches(@"^\[#+\] 100% 10/10 jobs, 0 running, 1 failed \| 0:09 *\r?\n$", lines[1]);
        Assert.EndsWith(Environment.NewLine, lines[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(60)]
    [InlineData(200)]
    public void The_line_fills_the_width_exactly(int width)
    {
        var line = ProgressBarLine.Render(new BatchPoolProgress(100, 8, 890, 1, 1, 2, TimeSpan.FromMinutes(3)), width);
        Assert.Equal(width, line.Length);
        Assert.StartsWith("[", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(7.4, "0:07")]
    [InlineData(754, "12:34")]
    [InlineData(3723, "1:02:03")]
    public void Durations_read_as_a_clock(double seconds, string text) =>
        Assert.Equal(text, ProgressBarLine.Duration(TimeSpan.FromSeconds(seconds)));
}
