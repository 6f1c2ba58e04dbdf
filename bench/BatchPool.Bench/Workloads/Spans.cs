using System.Diagnostics;

namespace BatchPool.Bench.Workloads;

/// <summary>A stopwatch that hands out the seconds since the previous lap: the spans of one run.</summary>
internal sealed class Spans
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _last;

    public double Lap()
    {
        var now = _clock.Elapsed;
        var span = (now - _last).TotalSeconds;
        _last = now;
        return span;
    }
}
