using System.Diagnostics;
using BatchPool.Tests.Executor;

namespace BatchPool.Tests.Faults;

/// <summary>
/// A Submit's or Map's own <c>maxAttempts</c> (issue 21) over the executor's, with workers killed for real (SIGKILL):
/// by the job itself, at a chosen attempt, and from outside during a map.
/// </summary>
[Collection(nameof(WorkerKillingCollection))]
public sealed class PerCallAttemptsTests : IAsyncLifetime
{
    private readonly TestBackend _backend = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    /// <summary>A folder the jobs see: the executor's own.</summary>
    private string SharedFolder(BatchPoolExecutor bpe)
    {
        var folder = Path.Combine(_backend.FolderOf(bpe), "test-files");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Counts its run in <paramref name="runs"/>; kills its own worker (SIGKILL) on each of its first <paramref name="kills"/> runs.</summary>
    private static int KilledUntil(string runs, int kills, int value)
    {
        File.AppendAllText(runs, "x");
        if (File.ReadAllText(runs).Length <= kills)
        {
            Process.GetCurrentProcess().Kill();
        }
        return value;
    }

    /// <summary>A map's function, built apart so that its closure holds the folder alone (not the test's executor).</summary>
    private static Func<int, int> Killing(string folder, string prefix, int kills, int factor) =>
        i => KilledUntil(Path.Combine(folder, $"{prefix}-{i}"), kills, i * factor);

    [Fact]
    public void A_submit_s_own_max_attempts_wins_over_the_executor_s_both_ways()
    {
        using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = _backend.Backend, MaxAttempts = 1 });
        var folder = SharedFolder(bpe);

        // The executor would give up at the first kill; this call may run 4 times, and its worker dies 3 times.
        var more = Path.Combine(folder, "more");
        var survived = bpe.Submit((string runs) => KilledUntil(runs, 3, 42), more, new SubmitOptions { MaxAttempts = 4 });
        Assert.Equal(42, survived.Result(TimeSpan.FromMinutes(2)));
        Assert.Equal("xxxx", File.ReadAllText(more));

        // The executor's default again for a call without options: one attempt.
        var once = Path.Combine(folder, "once");
        var error = Assert.Throws<BatchJobFailedException>(() => bpe.Submit((string runs) => KilledUntil(runs, 3, 0), once).Result(TimeSpan.FromMinutes(2)));
        Assert.Single(error.Attempts);
        Assert.Equal("x", File.ReadAllText(once));
    }

    [Fact]
    public async Task A_submit_may_allow_fewer_attempts_than_the_executor()
    {
        await using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = _backend.Backend, MaxAttempts = 5 });
        var runs = Path.Combine(SharedFolder(bpe), "fewer");
        var future = await bpe.SubmitAsync((string path) => KilledUntil(path, 10, 0), runs, options: new SubmitOptions { MaxAttempts = 2 });
        var error = Assert.Throws<BatchJobFailedException>(() => future.Result(TimeSpan.FromMinutes(2)));
        Assert.Equal(2, error.Attempts.Count);
        Assert.All(error.Attempts, attempt => Assert.Equal(9, attempt.Signal));
        Assert.Equal([true, false], error.Attempts.Select(a => a.Retried));
        Assert.Contains("It ran 2 times", error.Message, StringComparison.Ordinal);
        Assert.Equal("xx", File.ReadAllText(runs));
    }

    [Fact]
    public void A_map_s_own_max_attempts_applies_to_each_of_its_jobs()
    {
        using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = _backend.Backend, MaxAttempts = 1 });
        var folder = SharedFolder(bpe);

        // Every job's worker dies twice; with 3 attempts each, every result arrives, in order.
        var results = bpe.Map(Killing(folder, "map", 2, 10), Enumerable.Range(0, 4), maxAttempts: 3).ToList();
        Assert.Equal([0, 10, 20, 30], results);
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal("xxx", File.ReadAllText(Path.Combine(folder, $"map-{i}"))));

        // With 2, the first job gives up after its second run, and the map throws that.
        var error = Assert.Throws<BatchJobFailedException>(() =>
            bpe.Map(Killing(folder, "short", 2, 1), Enumerable.Range(0, 1), maxAttempts: 2).ToList());
        Assert.Equal(2, error.Attempts.Count);
    }

    [Fact]
    public async Task An_async_map_takes_max_attempts_too()
    {
        await using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = _backend.Backend, MaxAttempts = 4 });
        var folder = SharedFolder(bpe);
        var map = Killing(folder, "async", 10, 1);
        var error = await Assert.ThrowsAsync<BatchJobFailedException>(async () =>
        {
            await foreach (var _ in bpe.MapAsync(map, [0], maxAttempts: 1))
            {
            }
        });
        Assert.Single(error.Attempts);
        Assert.Equal("x", File.ReadAllText(Path.Combine(folder, "async-0")));
    }

    [Fact]
    public async Task Workers_killed_from_outside_during_a_map_are_retried_as_its_max_attempts_says()
    {
        // The executor never retries; the map allows 10 attempts per job, and 6 of its workers are killed meanwhile.
        using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = _backend.Backend, MaxAttempts = 1 });
        var items = Enumerable.Range(0, 60).ToList();
        var (results, killed) = await FaultTests.MapWhileKillingWorkersAsync(bpe, items, kills: 6, every: TimeSpan.FromMilliseconds(300), maxAttempts: 10);
        Assert.Equal(items, results);
        Assert.True(killed >= 3, $"only {killed} workers were killed during the map");
    }

    [Fact]
    public void Max_attempts_below_1_is_refused_naming_the_parameter()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var map = Assert.Throws<BatchPoolSettingException>(() => bpe.Map((int x) => x, [1, 2], maxAttempts: 0));
        Assert.Equal("maxAttempts", map.Setting);
        Assert.Contains("at least 1", map.Message, StringComparison.Ordinal);
        var mapAsync = Assert.Throws<BatchPoolSettingException>(() => bpe.MapAsync((int x) => x, [1, 2], maxAttempts: -3));
        Assert.Equal("maxAttempts", mapAsync.Setting);
        var submit = Assert.Throws<BatchPoolSettingException>(() => new SubmitOptions { MaxAttempts = 0 });
        Assert.Equal("SubmitOptions.MaxAttempts", submit.Setting);
        Assert.Contains("'0'", submit.Message, StringComparison.Ordinal);
        // Null keeps the executor's.
        Assert.Null(new SubmitOptions().MaxAttempts);
        Assert.Equal(3, bpe.Submit((int x) => x, 3, new SubmitOptions { MaxAttempts = null }).Result(TimeSpan.FromMinutes(2)));
    }
}
