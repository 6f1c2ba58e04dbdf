using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BatchPool.Diagnostics;

/// <summary>
/// The process's one activity source and meter, and the instruments every executor reports to. Each instrument's
/// <c>Enabled</c> (and the source's <c>HasListeners()</c>) is read before any work is done for it: without a listener
/// the cost is a few field reads per job.
/// </summary>
internal static class Instruments
{
    private static readonly string? Version = typeof(Instruments).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource Source = new(BatchPoolTelemetry.Name, Version);

    public static readonly Meter Meter = new(BatchPoolTelemetry.Name, Version);

    public static readonly Counter<long> Submitted = Meter.CreateCounter<long>("batchpool.jobs.submitted", "{job}", "Jobs an executor submitted to its backend.");

    public static readonly Counter<long> Started = Meter.CreateCounter<long>("batchpool.jobs.started", "{job}", "Jobs that started running.");

    public static readonly Counter<long> Succeeded = Meter.CreateCounter<long>("batchpool.jobs.succeeded", "{job}", "Jobs whose calls all returned.");

    public static readonly Counter<long> Failed = Meter.CreateCounter<long>("batchpool.jobs.failed", "{job}", "Jobs that died or whose function threw.");

    public static readonly Counter<long> Cancelled = Meter.CreateCounter<long>("batchpool.jobs.cancelled", "{job}", "Jobs cancelled before they ended.");

    public static readonly Counter<long> Retried = Meter.CreateCounter<long>("batchpool.jobs.retried", "{job}", "Jobs submitted again after their first attempt was lost.");

    public static readonly Counter<long> BytesStored = Meter.CreateCounter<long>("batchpool.storage.bytes_stored", "By", "Bytes an executor wrote to its backend's storage: job inputs and shipped assemblies.");

    public static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>("batchpool.job.queue_wait", "s", "From a job's submission to its start.");

    public static readonly Histogram<double> RunTime = Meter.CreateHistogram<double>("batchpool.job.run_time", "s", "From a job's start to its end.");

    /// <summary>The names of spans and tags.</summary>
    public static class Names
    {
        public const string SubmitSpan = "batchpool.submit";
        public const string MapSpan = "batchpool.map";
        public const string JobSpan = "batchpool.job";
        public const string RunningEvent = "batchpool.job.running";
        public const string RetriedEvent = "batchpool.job.retried";

        public const string Executor = "batchpool.executor";
        public const string Backend = "batchpool.backend";
        public const string JobId = "batchpool.job.id";
        public const string JobName = "batchpool.job.name";
        public const string Calls = "batchpool.calls";
        public const string Jobs = "batchpool.jobs";
        public const string Outcome = "batchpool.outcome";
        public const string Attempt = "batchpool.job.attempt";
    }
}
