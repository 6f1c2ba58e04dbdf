using System.Diagnostics;
using BatchPool.Backends.Local;

namespace BatchPool.Tests.Executor;

/// <summary>How many jobs a slot of the local backend sends ahead to its worker, from the pace of the worker's answers.</summary>
public sealed class SlotPaceTests
{
    private static readonly long Millisecond = Stopwatch.Frequency / 1000;

    [Fact]
    public void Before_any_measurement_a_slot_sends_a_few_dozen_jobs_ahead()
    {
        var pace = new SlotPace();
        Assert.Equal(32, pace.JobsAhead(1024));
        Assert.Equal(4, pace.JobsAhead(4));
    }

    [Theory]
    [InlineData(0.01, 1024)] // 10 us calls: as many as the slot may have in flight
    [InlineData(1, 21)] // 1 ms jobs: 20 ms of work ahead
    [InlineData(1000, 1)] // 1 s jobs: none waits inside a worker while another worker could start it
    public void A_slot_sends_ahead_about_twenty_milliseconds_of_its_workers_work(double jobMilliseconds, int expected)
    {
        var pace = new SlotPace();
        var now = 1_000_000L;
        for (var i = 0; i < 200; i++)
        {
            now += (long)(jobMilliseconds * Millisecond);
            pace.Ended(nextQueued: true, now);
        }
        Assert.Equal(expected, pace.JobsAhead(1024));
    }

    [Fact]
    public void A_gap_in_which_the_worker_had_nothing_to_run_is_not_taken_for_a_job()
    {
        var pace = new SlotPace();
        var now = 1_000_000L;
        for (var i = 0; i < 200; i++)
        {
            now += Millisecond;
            pace.Ended(nextQueued: true, now);
        }
        // The queue ran dry: the worker idled for a minute before its next job, which took 1 ms as well.
        pace.Ended(nextQueued: false, now += Millisecond);
        pace.Ended(nextQueued: true, now += 60_000 * Millisecond);
        pace.Ended(nextQueued: true, now += Millisecond);
        Assert.Equal(21, pace.JobsAhead(1024));
    }
}
