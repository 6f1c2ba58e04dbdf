using System.Diagnostics;
using BatchPool.Backends.Local;

namespace BatchPool.Tests.Executor;

/// <summary>Spares are process-wide: these tests run alone, so that no other test takes or leaves one meanwhile.</summary>
[CollectionDefinition(nameof(SpareWorkerTests), DisableParallelization = true)]
public sealed class SpareWorkersCollection;

/// <summary>
/// Workers started as an executor shuts down, for the next executor of the process (its own workers, recycled, are
/// <see cref="RecycledWorkerTests"/>': these tests turn recycling off where it would stand in for the spares).
/// </summary>
[Collection(nameof(SpareWorkerTests))]
public sealed class SpareWorkerTests
{
    [Fact]
    public async Task The_next_executor_takes_a_spare_that_never_ran_a_job_and_runs_its_jobs_there()
    {
        SpareWorkers.CloseAll();
        await using var backend = new TestBackend(root => new LocalBackend(root, maxParallelJobs: 1) { RecycleWorkers = false });
        int first;
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend))
        {
            first = bpe.Submit(() => Environment.ProcessId).Result();
        }
        // As many as it used, and one more.
        var spares = SparesWhenOffered(2);
        Assert.Equal(2, spares.Length);
        Assert.DoesNotContain(first, spares);

        var offset = 40;
        int spare;
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend))
        {
            // The spare learnt this executor's secret and folder when taken: its payloads authenticate, its code loads.
            (spare, var answer) = bpe.Submit(() => (Environment.ProcessId, offset + 2)).Result();
            Assert.Contains(spare, spares);
            Assert.Equal(42, answer);
            Assert.Equal(Enumerable.Range(1, 5).Select(i => i * 3), bpe.Map(i => i * 3, Enumerable.Range(1, 5)));
        }
        // Spares for an executor that would follow, as this one shut down.
        var waiting = SparesWhenOffered(2);
        Assert.NotEmpty(waiting);
        Assert.DoesNotContain(spare, waiting);
        SpareWorkers.CloseAll();
    }

    [Fact]
    public async Task An_executor_whose_workers_would_start_otherwise_does_not_take_a_spare()
    {
        SpareWorkers.CloseAll();
        await using var backend = new TestBackend(root => new LocalBackend(root, maxParallelJobs: 1));
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend))
        {
            bpe.Submit(() => 1).Result();
        }
        var spares = SparesWhenOffered(2);
        Assert.NotEmpty(spares);

        // Two cores per job: its workers' thread limits differ, so a spare started with one thread's would not do.
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend, cpusPerJob: 2))
        {
            var (pid, threads) = bpe.Submit(() => (Environment.ProcessId, Environment.GetEnvironmentVariable("OMP_NUM_THREADS"))).Result();
            Assert.DoesNotContain(pid, spares);
            Assert.Equal("2", threads);
            Assert.Subset(spares.ToHashSet(), SpareWorkers.WaitingIds().ToHashSet());
        }
    }

    [Fact]
    public async Task An_unclaimed_spare_is_closed_when_its_lifetime_ends_and_none_is_left_with_no_lifetime()
    {
        SpareWorkers.CloseAll();
        await using var none = new TestBackend(root => new LocalBackend(root, maxParallelJobs: 1) { SpareWorkerLifetime = TimeSpan.Zero });
        using (var bpe = new BatchPoolExecutor(backend: none.Backend))
        {
            bpe.Submit(() => 1).Result();
        }
        // Offers are made on the pool: give one the time it would take.
        await Task.Delay(500);
        Assert.Empty(SpareWorkers.WaitingIds());

        await using var brief = new TestBackend(root => new LocalBackend(root, maxParallelJobs: 1) { SpareWorkerLifetime = TimeSpan.FromSeconds(1), RecycleWorkers = false });
        using (var bpe = new BatchPoolExecutor(backend: brief.Backend))
        {
            bpe.Submit(() => 1).Result();
        }
        var spares = SparesWhenOffered(2);
        Assert.NotEmpty(spares);
        var waited = Stopwatch.StartNew();
        while (spares.Any(Processes.IsRunning) && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }
        Assert.False(spares.Any(Processes.IsRunning), $"a spare of {string.Join(", ", spares)} still runs {waited.Elapsed} after their 1 s lifetime began");
        Assert.Empty(SpareWorkers.WaitingIds());
    }

    [Fact]
    public async Task An_executor_leaves_a_spare_for_each_worker_it_used_and_one_more()
    {
        SpareWorkers.CloseAll();
        await using var backend = new TestBackend(root => new LocalBackend(root, maxParallelJobs: 2) { RecycleWorkers = false });
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend))
        {
            // Two jobs that wait for each other need two workers.
            var pids = bpe.Map(LocalBackendTests.MeetsTheOthers(Path.Combine(backend.Root, "gate"), 2), [0, 1]).ToList();
            Assert.DoesNotContain(-1, pids);
            Assert.Equal(2, pids.Distinct().Count());
        }
        Assert.Equal(3, SparesWhenOffered(3).Length);
        SpareWorkers.CloseAll();
    }

    /// <summary>The spares waiting once <paramref name="count"/> are (offers are made on the pool), or after 10 s.</summary>
    private static int[] SparesWhenOffered(int count)
    {
        var waited = Stopwatch.StartNew();
        while (SpareWorkers.WaitingIds().Length < count && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(10);
        }
        return SpareWorkers.WaitingIds();
    }
}
