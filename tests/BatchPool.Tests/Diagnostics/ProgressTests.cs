using System.Collections.Concurrent;
using BatchPool.Diagnostics;

namespace BatchPool.Tests.Diagnostics;

/// <summary>Progress of real jobs on the local backend, and the counting rules alone.</summary>
public sealed class ProgressTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public void A_maps_reports_add_up_to_its_jobs_and_its_last_says_all_ended()
    {
        var reports = new Reports();
        using var bpe = new BatchPoolExecutor();
        // 30 items in chunks of 2: 15 jobs.
        Assert.Equal(Enumerable.Range(0, 30).Select(x => x + 1), bpe.Map((int x) => x + 1, Enumerable.Range(0, 30), chunksize: 2, progress: reports));
        var last = reports.WaitForComplete(15);
        Assert.Equal(15, last.Succeeded);
        Assert.Equal(0, last.Failed + last.Cancelled + last.Retried);
        Assert.Equal(TimeSpan.Zero, last.EstimatedRemaining);
        Assert.True(last.Elapsed > TimeSpan.Zero);
        var all = reports.All;
        Assert.All(all, r => Assert.InRange(r.Total, 1, 15));
        Assert.Equal(all.Select(r => r.Ended).Order(), all.Select(r => r.Ended)); // never an older report after a newer
    }

    [Fact]
    public void The_executors_reports_count_every_job_succeeded_or_failed_and_a_last_one_comes_at_shutdown()
    {
        var reports = new Reports();
        var futures = new List<BatchPoolFuture<int>>();
        using (var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Progress = reports }))
        {
            for (var i = 0; i < 20; i++)
            {
                var x = i;
                futures.Add(bpe.Submit(() => x % 7 == 3 ? throw new ArgumentException($"{x}") : x));
            }
            foreach (var future in futures)
            {
                future.Exception();
            }
        }
        var last = reports.WaitForComplete(20);
        Assert.Equal(17, last.Succeeded);
        Assert.Equal(3, last.Failed);
        Assert.Equal(0, last.Cancelled);
        Assert.Equal(futures.Count(f => f.Exception() is null), last.Succeeded);
    }

    [Fact]
    public void A_handler_that_blocks_holds_up_no_job()
    {
        using var release = new ManualResetEventSlim();
        var handler = new Blocking(release);
        try
        {
            using var bpe = new BatchPoolExecutor();
            var results = bpe.Map((int x) => x * 2, Enumerable.Range(0, 10), timeout: Patience, progress: handler).ToList();
            Assert.Equal(Enumerable.Range(0, 10).Select(x => x * 2), results);
            Assert.True(handler.Entered.Wait(Patience), "the first report came");
            Assert.Equal(1, handler.Calls); // the others wait behind it, never on a job's thread
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public void Counts_follow_transitions_retries_included()
    {
        var reports = new Reports();
        var tracker = new ProgressTracker(reports);
        tracker.Queued();
        tracker.Queued();
        tracker.Queued();
        tracker.Running();
        tracker.Retried(wasRunning: true); // lost while running: queued again
        Assert.Equal((3, 0, 1), (tracker.Snapshot().Queued, tracker.Snapshot().Running, tracker.Snapshot().Retried));
        tracker.Running();
        tracker.Ended(JobEnd.Succeeded, wasRunning: true);
        tracker.Ended(JobEnd.Failed, wasRunning: false);
        tracker.Running();
        tracker.Ended(JobEnd.Cancelled, wasRunning: true);
        tracker.Flush();
        var last = reports.WaitForComplete(3);
        Assert.Equal((1, 1, 1, 1), (last.Succeeded, last.Failed, last.Cancelled, last.Retried));
    }

    [Theory]
    [InlineData(5, 0, 0, null)] // nothing ended yet: no pace
    [InlineData(10, 0, 10, 10.0)] // half done in 10 s: 10 s left
    [InlineData(3, 1, 8, 5.0)]
    [InlineData(0, 0, 5, 0.0)]
    [InlineData(0, 0, 0, 0.0)]
    public void The_estimate_goes_at_the_average_pace(int queued, int running, int succeeded, double? left)
    {
        var progress = new BatchPoolProgress(queued, running, succeeded, 0, 0, 0, TimeSpan.FromSeconds(10));
        Assert.Equal(left, progress.EstimatedRemaining?.TotalSeconds);
    }

    /// <summary>Collects reports; waits for the one that says every job ended.</summary>
    private sealed class Reports : IProgress<BatchPoolProgress>
    {
        private readonly ConcurrentQueue<BatchPoolProgress> _all = new();
        private readonly SemaphoreSlim _arrived = new(0);

        public List<BatchPoolProgress> All => [.. _all];

        public void Report(BatchPoolProgress value)
        {
            _all.Enqueue(value);
            _arrived.Release();
        }

        public BatchPoolProgress WaitForComplete(int jobs)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (true)
            {
                if (_all.LastOrDefault() is { IsComplete: true } last && last.Total == jobs)
                {
                    return last;
                }
                Assert.True(_arrived.Wait(deadline - DateTime.UtcNow), $"no report of {jobs} ended jobs; last: {_all.LastOrDefault()}");
            }
        }
    }

    private sealed class Blocking(ManualResetEventSlim release) : IProgress<BatchPoolProgress>
    {
        private int _calls;

        public ManualResetEventSlim Entered { get; } = new();

        public int Calls => Volatile.Read(ref _calls);

        public void Report(BatchPoolProgress value)
        {
            Interlocked.Increment(ref _calls);
            Entered.Set();
            release.Wait();
        }
    }
}
