namespace BatchPool;

/// <summary>
/// The names under which executors report: their spans come from the <see cref="System.Diagnostics.ActivitySource"/>
/// and their measurements from the <see cref="System.Diagnostics.Metrics.Meter"/> of this name (OpenTelemetry:
/// <c>.AddSource(BatchPoolTelemetry.Name)</c>, <c>.AddMeter(BatchPoolTelemetry.Name)</c>). Nothing is measured or
/// recorded while nothing listens.
/// </summary>
public static class BatchPoolTelemetry
{
    /// <summary>The name of the activity source and of the meter: <c>BatchPool</c>.</summary>
    public const string Name = "BatchPool";
}
