using BatchPool.Backends;

namespace BatchPool.Tests.Executor;

/// <summary>A backend's job reports its end once, to its task (made when asked for) and to the executor's observer.</summary>
public sealed class BatchJobTests
{
    private static readonly BatchJobOutcome Succeeded = new(BatchJobState.Succeeded, 0);

    [Fact]
    public async Task The_task_asked_for_after_the_end_is_already_complete_and_the_first_report_wins()
    {
        var job = new BatchJob("id-1", "name");
        Assert.False(job.HasEnded);

        Assert.True(job.ReportEnded(Succeeded));
        Assert.False(job.ReportEnded(new BatchJobOutcome(BatchJobState.Failed, 1)));

        Assert.True(job.HasEnded);
        Assert.Equal(BatchJobState.Succeeded, job.State);
        Assert.True(job.Ended.IsCompleted);
        Assert.Same(Succeeded, await job.Ended);
    }

    [Fact]
    public async Task The_task_asked_for_before_the_end_completes_at_the_end()
    {
        var job = new BatchJob("id-2", "name");
        var ended = job.Ended;
        Assert.False(ended.IsCompleted);

        job.ReportEnded(Succeeded);

        Assert.Same(Succeeded, await ended.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task An_observer_runs_once_whether_it_came_before_or_after_the_end()
    {
        var before = new BatchJob("id-3", "name");
        var early = new Observer();
        before.WhenEnded(early);
        Assert.False(early.Ran.Task.IsCompleted);
        before.ReportEnded(Succeeded);

        var after = new BatchJob("id-4", "name");
        after.ReportEnded(Succeeded);
        var late = new Observer();
        after.WhenEnded(late);

        await Task.WhenAll(early.Ran.Task, late.Ran.Task).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, early.Count);
        Assert.Equal(1, late.Count);
        var taken = new BatchJob("id-5", "name");
        taken.WhenEnded(new Observer());
        Assert.Throws<InvalidOperationException>(() => taken.WhenEnded(new Observer()));
    }

    [Fact]
    public async Task Reports_racing_from_many_threads_end_the_job_once()
    {
        for (var round = 0; round < 200; round++)
        {
            var job = new BatchJob($"id-{round}", "name");
            var observer = new Observer();
            job.WhenEnded(observer);
            var firsts = 0;
            Parallel.For(0, 4, _ =>
            {
                if (job.ReportEnded(Succeeded))
                {
                    Interlocked.Increment(ref firsts);
                }
            });
            Assert.Equal(1, firsts);
            await observer.Ran.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(1, observer.Count);
        }
    }

    private sealed class Observer : IThreadPoolWorkItem
    {
        private int _count;

        public TaskCompletionSource Ran { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count => Volatile.Read(ref _count);

        public void Execute()
        {
            Interlocked.Increment(ref _count);
            Ran.TrySetResult();
        }
    }
}
