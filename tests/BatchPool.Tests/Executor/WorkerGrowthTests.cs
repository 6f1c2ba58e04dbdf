using System.Diagnostics;
using BatchPool.Backends.Local;

namespace BatchPool.Tests.Executor;

/// <summary>One more local worker starts only when the workers at work would take longer to empty the queue than it takes to start.</summary>
public sealed class WorkerGrowthTests
{
    private static readonly long Millisecond = Stopwatch.Frequency / 1000;

    [Fact]
    public void Without_a_worker_at_work_one_always_starts()
    {
        var growth = new WorkerGrowth(createdAt: 1_000 * Millisecond);
        Assert.True(growth.WorthStarting(queued: 1, liveWorkers: 0, now: 1_000 * Millisecond));
    }

    [Fact]
    public void While_the_first_worker_boots_the_others_wait_for_it_a_while()
    {
        var start = 1_000 * Millisecond;
        var growth = new WorkerGrowth(start);
        Assert.False(growth.WorthStarting(queued: 10_000, liveWorkers: 1, now: start + (100 * Millisecond)));
        Assert.True(growth.WorthStarting(queued: 10_000, liveWorkers: 1, now: start + (151 * Millisecond)));
    }

    [Fact]
    public void A_queue_the_workers_empty_sooner_than_a_start_gets_no_new_worker_and_a_longer_one_does()
    {
        var start = 1_000 * Millisecond;
        var growth = new WorkerGrowth(start);
        // The first worker answered 80 ms after its spawn; its jobs take 0.1 ms each.
        var answered = start + (80 * Millisecond);
        growth.Answered(answered, jobSeconds: 0.0001);

        Assert.False(growth.WorthStarting(queued: 100, liveWorkers: 1, now: answered));
        Assert.True(growth.WorthStarting(queued: 10_000, liveWorkers: 1, now: answered));
        Assert.False(growth.WorthStarting(queued: 1_000, liveWorkers: 2, now: answered));
    }

    [Fact]
    public void A_job_that_has_not_answered_for_longer_than_a_start_counts_as_long()
    {
        var start = 1_000 * Millisecond;
        var growth = new WorkerGrowth(start);
        var answered = start + (80 * Millisecond);
        growth.Answered(answered, jobSeconds: double.NaN);

        // One queued job behind a worker silent for 50 ms: a new worker would not be up sooner.
        Assert.False(growth.WorthStarting(queued: 1, liveWorkers: 1, now: answered + (50 * Millisecond)));
        // Silent for longer than a start: the queued job is better off in a new worker.
        Assert.True(growth.WorthStarting(queued: 1, liveWorkers: 1, now: answered + (81 * Millisecond)));
    }

    [Fact]
    public void A_session_whose_first_worker_was_a_spare_goes_by_the_start_time_it_was_given_not_by_the_spare()
    {
        var start = 1_000 * Millisecond;
        // A worker takes 80 ms to start here; the spare answered its first job 2 ms after the session began.
        var growth = new WorkerGrowth(start, bootSeconds: 0.080);
        Assert.False(growth.WorthStarting(queued: 10_000, liveWorkers: 1, now: start + Millisecond));
        var answered = start + (2 * Millisecond);
        growth.Answered(answered, jobSeconds: 0.0001);

        // 100 jobs of 0.1 ms: 10 ms of work, sooner done than the 80 ms of a start (a measured 2 ms would say otherwise).
        Assert.False(growth.WorthStarting(queued: 100, liveWorkers: 1, now: answered));
        Assert.True(growth.WorthStarting(queued: 10_000, liveWorkers: 1, now: answered));
    }

    [Fact]
    public void A_worker_up_measures_the_start_but_its_first_job_is_not_judged_before_it_answers()
    {
        var start = 1_000 * Millisecond;
        var growth = new WorkerGrowth(start);
        growth.Up(start + (40 * Millisecond));
        // Its first job (which loads the program's code) has run 5 ms: 68 jobs of 5 ms would say "start one more".
        Assert.False(growth.WorthStarting(queued: 68, liveWorkers: 1, now: start + (45 * Millisecond)));
        var answered = start + (50 * Millisecond);
        growth.Answered(answered, jobSeconds: 0.0002);

        // 68 jobs of 0.2 ms: sooner done than the 40 ms the worker took to start.
        Assert.False(growth.WorthStarting(queued: 68, liveWorkers: 1, now: answered));
        Assert.True(growth.WorthStarting(queued: 1_000, liveWorkers: 1, now: answered));
    }
}
