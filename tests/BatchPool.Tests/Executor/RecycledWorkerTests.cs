using System.Globalization;
using BatchPool.Backends.Local;

namespace BatchPool.Tests.Executor;

/// <summary>
/// Workers an executor is done with, kept for the next executor of the process once they forgot it (spares are
/// process-wide: these tests run alone, with <see cref="SpareWorkerTests"/>).
/// </summary>
[Collection(nameof(SpareWorkerTests))]
public sealed class RecycledWorkerTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_next_executor_runs_in_the_recycled_worker_and_meets_none_of_the_last_ones_statics(bool payloadsThroughStorage)
    {
        SpareWorkers.CloseAll();
        await using var backend = new TestBackend(root => new LocalBackend(root, maxParallelJobs: 1) { PayloadsThroughStorage = payloadsThroughStorage });
        int first;
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend))
        {
            (first, var calls) = bpe.Submit(() => (Environment.ProcessId, Counter.Next())).Result();
            Assert.Equal(1, calls);
            Assert.Equal(2, bpe.Submit(Counter.Next).Result());
        }
        // Its own worker, recycled, and no spare started beside it.
        Assert.Equal([first], SpareWorkers.WaitingIds());

        var offset = 40;
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend))
        {
            // Its payloads authenticate under its own key, its code loads again: the statics start afresh.
            var (pid, calls, answer) = bpe.Submit(() => (Environment.ProcessId, Counter.Next(), offset + 2)).Result();
            Assert.Equal(first, pid);
            Assert.Equal(1, calls);
            Assert.Equal(42, answer);
        }
        SpareWorkers.CloseAll();
    }

    [Fact]
    public async Task A_worker_serves_executor_after_executor_each_with_its_own_code()
    {
        SpareWorkers.CloseAll();
        await using var backend = new TestBackend(root => new LocalBackend(root, maxParallelJobs: 1));
        var pids = new List<int>();
        for (var i = 0; i < 12; i++)
        {
            using var bpe = new BatchPoolExecutor(backend: backend.Backend);
            var (pid, calls) = bpe.Submit(() => (Environment.ProcessId, Counter.Next())).Result();
            pids.Add(pid);
            Assert.Equal(1, calls);
        }
        Assert.Single(pids.Distinct());
        SpareWorkers.CloseAll();
    }

    [Fact]
    public async Task A_worker_is_recycled_after_asynchronous_jobs_and_jobs_that_threw()
    {
        SpareWorkers.CloseAll();
        await using var backend = new TestBackend(root => new LocalBackend(root, maxParallelJobs: 1));
        int first;
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend))
        {
            first = await bpe.Submit(async () =>
            {
                await Task.Delay(20);
                await Task.Yield();
                return Environment.ProcessId;
            });
            Assert.Throws<InvalidOperationException>(() => bpe.Submit(() => Counter.Fail()).Result());
        }
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend))
        {
            Assert.Equal(first, bpe.Submit(() => Environment.ProcessId).Result());
        }
        SpareWorkers.CloseAll();
    }

    [Fact]
    public async Task A_worker_whose_executor_left_a_thread_running_is_not_reused_and_the_next_executor_loses_nothing()
    {
        SpareWorkers.CloseAll();
        await using var backend = new TestBackend(root => new LocalBackend(root, maxParallelJobs: 1));
        int first;
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend))
        {
            first = bpe.Submit(() =>
            {
                // The executor's code still runs after its last job: it cannot be unloaded.
                new Thread(() => Thread.Sleep(Timeout.Infinite)) { IsBackground = true }.Start();
                return Environment.ProcessId;
            }).Result();
        }
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend))
        {
            var pid = bpe.Submit(() => Environment.ProcessId).Result();
            Assert.NotEqual(first, pid);
        }
        Assert.False(Processes.IsRunning(first), $"worker {first} still runs: it should have exited rather than serve another executor");
        SpareWorkers.CloseAll();
    }

    [Fact]
    public async Task A_worker_whose_environment_an_executor_changed_is_not_reused()
    {
        SpareWorkers.CloseAll();
        await using var backend = new TestBackend(root => new LocalBackend(root, maxParallelJobs: 1));
        int first;
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend))
        {
            first = bpe.Submit(() =>
            {
                Environment.SetEnvironmentVariable("BATCHPOOL_TEST_LEFT_BEHIND", "1");
                return Environment.ProcessId;
            }).Result();
        }
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend))
        {
            var (pid, left) = bpe.Submit(() => (Environment.ProcessId, Environment.GetEnvironmentVariable("BATCHPOOL_TEST_LEFT_BEHIND"))).Result();
            Assert.NotEqual(first, pid);
            Assert.Null(left);
        }
        SpareWorkers.CloseAll();
    }

    [Fact]
    public async Task A_recycled_worker_puts_back_the_culture_and_its_last_executors_log_is_not_the_next_ones()
    {
        SpareWorkers.CloseAll();
        await using var backend = new TestBackend(root => new LocalBackend(root, maxParallelJobs: 1));
        int first;
        string culture;
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend))
        {
            (first, culture) = bpe.Submit(() =>
            {
                var before = CultureInfo.CurrentCulture.Name;
                CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("fr-FR");
                Console.Error.WriteLine("written while serving the first executor");
                return (Environment.ProcessId, before);
            }).Result();
        }
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend))
        {
            Assert.Equal((first, culture), bpe.Submit(() => (Environment.ProcessId, CultureInfo.CurrentCulture.Name)).Result());
            var error = Assert.Throws<BatchJobFailedException>(() => bpe.Submit(() =>
            {
                Console.Error.WriteLine("written while serving the second executor");
                Environment.Exit(3);
                return 0;
            }).Result());
            Assert.Equal(3, error.ExitCode);
            Assert.Contains("written while serving the second executor", error.LogTail, StringComparison.Ordinal);
            Assert.DoesNotContain("first executor", error.LogTail, StringComparison.Ordinal);
        }
        SpareWorkers.CloseAll();
    }

    [Fact]
    public async Task Without_recycling_the_next_executor_gets_a_process_no_other_executor_ran_in()
    {
        SpareWorkers.CloseAll();
        await using var backend = new TestBackend(root => new LocalBackend(root, maxParallelJobs: 1) { RecycleWorkers = false });
        int first;
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend))
        {
            first = bpe.Submit(() => Environment.ProcessId).Result();
        }
        using (var bpe = new BatchPoolExecutor(backend: backend.Backend))
        {
            Assert.NotEqual(first, bpe.Submit(() => Environment.ProcessId).Result());
        }
        SpareWorkers.CloseAll();
    }

    private static class Counter
    {
        private static int _calls;

        public static int Next() => ++_calls;

        public static int Fail() => throw new InvalidOperationException($"failed after {_calls} calls");
    }
}
