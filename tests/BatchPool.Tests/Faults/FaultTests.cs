using System.Diagnostics;
using System.Globalization;
using BatchPool.Tests.Executor;

namespace BatchPool.Tests.Faults;

/// <summary>Kills every worker child of the test process it finds: no other test may run meanwhile.</summary>
[CollectionDefinition(nameof(WorkerKillingCollection), DisableParallelization = true)]
public sealed class WorkerKillingCollection;

/// <summary>Faults caused for real on the local backend: workers killed during a map, cancels racing completions.</summary>
[Collection(nameof(WorkerKillingCollection))]
public sealed class FaultTests : IAsyncLifetime
{
    private readonly TestBackend _backend = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Twenty_worker_kills_during_a_200_job_map_lose_no_result_and_keep_the_order()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var items = Enumerable.Range(0, 200).ToList();
        var (results, killed) = await MapWhileKillingWorkersAsync(bpe, items, kills: 20, every: TimeSpan.FromMilliseconds(400));
        Assert.Equal(items, results);
        Assert.True(killed >= 10, $"only {killed} workers were killed during the map");
    }

    /// <summary>
    /// Maps <see cref="Sleep200"/> over <paramref name="items"/> while one worker process is killed every
    /// <paramref name="every"/>, at most <paramref name="kills"/> times; returns the results and how many were killed.
    /// </summary>
    internal static async Task<(List<int> Results, int Killed)> MapWhileKillingWorkersAsync(BatchPoolExecutor bpe, List<int> items, int kills, TimeSpan every, int? maxAttempts = null)
    {
        var killed = 0;
        using var stop = new CancellationTokenSource();
        var killer = Task.Run(async () =>
        {
            while (killed < kills && !stop.IsCancellationRequested)
            {
                await Task.Delay(every);
                if (KillOneWorker())
                {
                    killed++;
                }
            }
        });
        var results = bpe.Map(Sleep200, items, timeout: TimeSpan.FromMinutes(3), maxAttempts: maxAttempts).ToList();
        await stop.CancelAsync();
        await killer;
        return (results, killed);
    }

    [Fact]
    public void A_thousand_futures_with_cancels_racing_completion_each_end_exactly_once_and_none_hangs()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var futures = Enumerable.Range(0, 1000).Select(i => bpe.Submit(Quick, i % 20)).ToList();
        var endings = new int[futures.Count];
        for (var i = 0; i < futures.Count; i++)
        {
            var index = i;
            futures[i].AddDoneCallback(_ => Interlocked.Increment(ref endings[index]));
        }
        var random = new Random(11);
        Parallel.ForEach(Enumerable.Range(0, futures.Count).Where(_ => random.Next(2) == 0).ToList(), i =>
        {
            Thread.Sleep(i % 7);
            futures[i].Cancel();
        });
        for (var i = 0; i < futures.Count; i++)
        {
            // Every future ends: with its value, or cancelled; never another failure, never a hang.
            try
            {
                Assert.Equal(i % 20, futures[i].Result(TimeSpan.FromMinutes(2)));
                Assert.False(futures[i].Cancelled);
            }
            catch (TaskCanceledException)
            {
                Assert.True(futures[i].Cancelled);
            }
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (endings.Any(e => e == 0) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }
        Assert.All(endings, e => Assert.Equal(1, e));
    }

    /// <summary>A call of 0.2 s that returns its argument: the faults' maps and batches.</summary>
    internal static int Sleep200(int i)
    {
        Thread.Sleep(200);
        return i;
    }

    private static int Quick(int i)
    {
        Thread.Sleep(i);
        return i;
    }

    /// <summary>Kills (SIGKILL) one worker process of this process.</summary>
    internal static bool KillOneWorker()
    {
        var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        foreach (var folder in Directory.GetDirectories("/proc"))
        {
            if (!Path.GetFileName(folder).All(char.IsAsciiDigit))
            {
                continue;
            }
            try
            {
                var status = File.ReadAllText(Path.Combine(folder, "status"));
                var command = File.ReadAllText(Path.Combine(folder, "cmdline"));
                if (status.Contains($"\nPPid:\t{self}\n", StringComparison.Ordinal) && command.Contains("BatchPool.Worker.dll", StringComparison.Ordinal))
                {
                    using var process = Process.GetProcessById(int.Parse(Path.GetFileName(folder), CultureInfo.InvariantCulture));
                    process.Kill();
                    return true;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // It ended meanwhile.
            }
        }
        return false;
    }
}
