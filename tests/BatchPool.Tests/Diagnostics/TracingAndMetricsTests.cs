using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace BatchPool.Tests.Diagnostics;

/// <summary>Spans and metrics of real maps on the local backend, through OpenTelemetry's SDK and its in-memory exporter.</summary>
[Collection(DiagnosticsCollection.Name)]
public sealed class TracingAndMetricsTests
{
    private static int Work(int x) => x switch
    {
        1 => throw new InvalidOperationException("item 1 is refused"),
        >= 2 => SleepThen(x),
        _ => x * 3,
    };

    private static int SleepThen(int x)
    {
        Thread.Sleep(TimeSpan.FromSeconds(20));
        return x;
    }

    [Fact]
    public async Task A_map_of_succeeding_throwing_and_cancelled_jobs_has_a_span_per_job_under_the_maps_and_counts_them()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource("BatchPool").AddSource("Test").AddInMemoryExporter(spans).Build();
        using var metering = Sdk.CreateMeterProviderBuilder().AddMeter("BatchPool").AddInMemoryExporter(metrics).Build();
        using var testSource = new ActivitySource("Test");
        string executorName;
        ActivityContext caller;

        // One job at a time: 0 succeeds, 1 throws, 2 runs on while 3 and 4 wait; reading 1's result throws and cancels 2, 3, 4.
        var backend = new LocalBackend(new LocalBackendOptions { MaxParallelJobs = 1, PayloadsThroughStorage = true });
        using (var bpe = new BatchPoolExecutor(backend: backend))
        {
            executorName = bpe.Name;
            using (var outer = testSource.StartActivity("caller"))
            {
                caller = outer!.Context;
                var results = bpe.Map(Work, Enumerable.Range(0, 5));
                Assert.Same(outer, Activity.Current);
                using var reading = results.GetEnumerator();
                Assert.True(reading.MoveNext());
                Assert.Equal(0, reading.Current);
                var error = Assert.Throws<InvalidOperationException>(() => reading.MoveNext());
                Assert.Equal("item 1 is refused", error.Message);
            }
            Assert.Equal(6, bpe.Submit(() => 6).Result());
        }
        await backend.DisposeAsync();
        tracing.ForceFlush();
        metering.ForceFlush();

        var ours = spans.Where(s => Equals(s.GetTagItem("batchpool.executor"), executorName)).ToList();
        var map = Assert.Single(ours, s => s.OperationName == "batchpool.map");
        Assert.Equal(caller.SpanId, map.ParentSpanId);
        Assert.Equal(caller.TraceId, map.TraceId);
        Assert.Equal(5, map.GetTagItem("batchpool.jobs"));
        Assert.Equal("local", map.GetTagItem("batchpool.backend"));
        Assert.Equal("failed", map.GetTagItem("batchpool.outcome"));
        Assert.Equal(ActivityStatusCode.Error, map.Status);

        var jobs = ours.Where(s => s.OperationName == "batchpool.job" && s.ParentSpanId == map.SpanId).ToList();
        Assert.Equal(5, jobs.Count);
        Assert.All(jobs, job =>
        {
            Assert.Equal(map.TraceId, job.TraceId);
            Assert.StartsWith("local-", (string)job.GetTagItem("batchpool.job.id")!, StringComparison.Ordinal);
            Assert.StartsWith($"{executorName}-Work-", (string)job.GetTagItem("batchpool.job.name")!, StringComparison.Ordinal);
            Assert.Equal(1, job.GetTagItem("batchpool.job.attempt"));
            Assert.True(job.Duration > TimeSpan.Zero);
        });
        var byOutcome = jobs.ToLookup(job => (string)job.GetTagItem("batchpool.outcome")!);
        var succeeded = Assert.Single(byOutcome["succeeded"]);
        var failed = Assert.Single(byOutcome["failed"]);
        Assert.Equal(3, byOutcome["cancelled"].Count());
        Assert.Contains(succeeded.Events, e => e.Name == "batchpool.job.running");
        Assert.Contains(failed.Events, e => e.Name == "batchpool.job.running");
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Contains("InvalidOperationException: item 1 is refused", failed.StatusDescription, StringComparison.Ordinal);
        Assert.Contains(failed.Events, e => e.Name == "exception");
        Assert.True(map.StartTimeUtc + map.Duration >= jobs.Max(j => j.StartTimeUtc + j.Duration), "the map's span ends with its last job");

        var submit = Assert.Single(ours, s => s.OperationName == "batchpool.submit");
        Assert.Equal("succeeded", submit.GetTagItem("batchpool.outcome"));
        var submitted = Assert.Single(ours, s => s.OperationName == "batchpool.job" && s.ParentSpanId == submit.SpanId);
        Assert.Equal("succeeded", submitted.GetTagItem("batchpool.outcome"));

        // 6 jobs: the map's 5 and the Submit. Only this test's executor ran meanwhile (its collection runs alone).
        Assert.Equal(6, Sum(metrics, "batchpool.jobs.submitted"));
        Assert.Equal(2, Sum(metrics, "batchpool.jobs.succeeded"));
        Assert.Equal(1, Sum(metrics, "batchpool.jobs.failed"));
        Assert.Equal(3, Sum(metrics, "batchpool.jobs.cancelled"));
        var started = Sum(metrics, "batchpool.jobs.started");
        Assert.InRange(started, 3, 4); // 0, 1 and the Submit; 2 unless it was cancelled before its worker took it
        Assert.Equal(started, HistogramCount(metrics, "batchpool.job.queue_wait"));
        Assert.Equal(started, HistogramCount(metrics, "batchpool.job.run_time"));
        Assert.True(Sum(metrics, "batchpool.storage.bytes_stored") > 0);
    }

    private static long Sum(List<Metric> metrics, string name)
    {
        var total = 0L;
        // Cumulative: the last export of a metric holds its totals.
        if (metrics.LastOrDefault(m => m.Name == name) is { } metric)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                Assert.Equal("local", Tag(point, "batchpool.backend"));
                total += point.GetSumLong();
            }
        }
        return total;
    }

    private static long HistogramCount(List<Metric> metrics, string name)
    {
        var total = 0L;
        if (metrics.LastOrDefault(m => m.Name == name) is { } metric)
        {
            Assert.Equal("s", metric.Unit);
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                total += point.GetHistogramCount();
                Assert.True(point.GetHistogramSum() >= 0);
            }
        }
        return total;
    }

    private static object? Tag(in MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value;
            }
        }
        return null;
    }
}
