using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BatchPool.Bench;

/// <summary>
/// <c>--listen</c>: what an application that watches BatchPool attaches, minus exporting — a listener that records every
/// span of the <c>BatchPool</c> source, one that takes every measurement of its meter, and a progress handler on every
/// bench executor — so that the workloads show what telemetry costs when it is on (and, without the option, that it is
/// free when off).
/// </summary>
internal sealed class BenchListeners : IDisposable, IProgress<BatchPoolProgress>
{
    private readonly ActivityListener _spans;
    private readonly MeterListener _measurements;
    private long _stopped;
    private long _measured;
    private long _reports;

    private BenchListeners()
    {
        _spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == BatchPoolTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ => Interlocked.Increment(ref _stopped),
        };
        ActivitySource.AddActivityListener(_spans);
        _measurements = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == BatchPoolTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _measurements.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _measured));
        _measurements.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _measured));
        _measurements.Start();
    }

    /// <summary>The listeners of this process's run, when <c>--listen</c> attached them.</summary>
    public static BenchListeners? Current { get; private set; }

    public static BenchListeners Attach() => Current = new BenchListeners();

    public string Describe() =>
        $"listeners saw {Interlocked.Read(ref _stopped):N0} spans, {Interlocked.Read(ref _measured):N0} measurements, {Interlocked.Read(ref _reports):N0} progress reports";

    public void Report(BatchPoolProgress value) => Interlocked.Increment(ref _reports);

    public void Dispose()
    {
        _spans.Dispose();
        _measurements.Dispose();
        Current = null;
    }
}
