using System.Diagnostics;
using BatchPool.Backends;

namespace BatchPool.Tests.Executor;

/// <summary>Bad input and dying jobs: clear errors, nothing lost, nothing hanging.</summary>
public sealed class FailureTests : IAsyncLifetime
{
    private readonly TestBackend _backend = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public void An_unserializable_capture_fails_at_submit_naming_the_field()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        using var fs = File.OpenRead(typeof(FailureTests).Assembly.Location);
        var error = Assert.Throws<UnserializableValueException>(() => bpe.Submit(() => fs.Length));
        Assert.Contains("fs", error.Path, StringComparison.Ordinal);
        Assert.Contains("FileStream", error.Message, StringComparison.Ordinal);
        Assert.Equal(typeof(FileStream), error.ValueType);
    }

    [Fact]
    public void Capturing_the_executor_is_refused_with_the_reason()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var error = Assert.Throws<UnserializableValueException>(() => bpe.Submit(() => bpe.Name));
        Assert.Equal(typeof(BatchPoolExecutor), error.ValueType);
        Assert.Contains("closure object per scope", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Capturing_a_future_is_refused_with_the_reason()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var earlier = bpe.Submit(() => 1);
        var error = Assert.Throws<UnserializableValueException>(() => bpe.Submit(() => earlier.Done));
        Assert.Equal(typeof(BatchPoolFuture<int>), error.ValueType);
        Assert.Contains("capture its result instead", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_worker_that_exits_fails_its_own_job_with_id_state_exit_code_and_log_tail()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var healthy = bpe.Submit(() => 1);
        var dying = bpe.Submit(() =>
        {
            Console.Error.WriteLine("about to exit on purpose");
            Environment.Exit(3);
            return 0;
        });
        var after = bpe.Submit(() => 2);
        var error = Assert.Throws<BatchJobFailedException>(() => dying.Result());
        Assert.Equal(BatchJobState.Failed, error.State);
        Assert.Equal(3, error.ExitCode);
        Assert.StartsWith("local-", error.JobId, StringComparison.Ordinal);
        Assert.Contains("about to exit on purpose", error.LogTail, StringComparison.Ordinal);
        Assert.Contains("submitted job failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, healthy.Result());
        Assert.Equal(2, after.Result());
    }

    [Fact]
    public void A_killed_worker_reports_the_signal()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var killed = bpe.Submit(() =>
        {
            Process.GetCurrentProcess().Kill();
            return 0;
        });
        var error = Assert.Throws<BatchJobFailedException>(() => killed.Result(TimeSpan.FromSeconds(60)));
        Assert.Equal(9, error.Signal);
        Assert.Contains("SIGKILL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_that_cannot_be_shipped_back_is_a_clear_error()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var path = typeof(FailureTests).Assembly.Location;
        var future = bpe.Submit(() => File.OpenRead(path));
        var error = Assert.Throws<UnserializableValueException>(() => future.Result());
        Assert.Equal(typeof(FileStream), error.ValueType);
    }

    [Fact]
    public async Task A_job_cancelled_while_waiting_behind_a_running_one_never_runs()
    {
        await using var single = new TestBackend(maxParallelJobs: 1);
        using var bpe = new BatchPoolExecutor(backend: single.Backend);
        var marker = Path.Combine(single.Root, "ran");
        var first = bpe.Submit(() => Sleep(1) * 0);
        var second = bpe.Submit(() => File.WriteAllText(marker, "ran"));
        // No lambda here may use `first`: the submitted one above would capture it with `marker` (one closure per scope).
        var waited = Stopwatch.StartNew();
        while (!first.Running && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            Thread.Sleep(10);
        }
        Assert.True(first.Running);
        Assert.True(second.Cancel());
        Assert.Equal(0, first.Result());
        Assert.Equal(7, bpe.Submit(() => 7).Result());
        Assert.True(second.Cancelled);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task A_job_cancelled_as_it_starts_is_stopped_and_the_next_job_runs()
    {
        await using var single = new TestBackend(maxParallelJobs: 1);
        using var bpe = new BatchPoolExecutor(backend: single.Backend);
        var first = bpe.Submit(() => 1);
        var second = bpe.Submit(() => Sleep(1000));
        // The worker takes `second` the moment it answers `first`: cancel it right then. Whichever way the race with its
        // start goes (skipped, or killed with its worker), it must not go on running, and the next job must run.
        first.AddDoneCallback(_ => second.Cancel());
        Assert.Equal(1, first.Result());
        Assert.Equal(3, bpe.Submit(() => 3).Result(TimeSpan.FromSeconds(60)));
        Assert.True(second.Cancelled);
    }

    [Fact]
    public void Running_is_true_only_while_the_job_runs()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var future = bpe.Submit(() => Sleep(1));
        Assert.True(SpinWait.SpinUntil(() => future.Running, TimeSpan.FromSeconds(60)));
        Assert.Equal(1, future.Result());
        Assert.False(future.Running);
        Assert.True(future.Done);
    }

    [Fact]
    public void Submit_and_map_after_shutdown_throw()
    {
        var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        bpe.Shutdown();
        Assert.Throws<ExecutorShutDownException>(() => bpe.Submit(() => 1));
        var error = Assert.Throws<ExecutorShutDownException>(() => bpe.Map(x => x, [1]));
        Assert.IsAssignableFrom<InvalidOperationException>(error);
    }

    [Fact]
    public void A_map_error_cancels_the_other_jobs()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var started = DateTime.UtcNow;
        var results = bpe.Map(x => x == 0 ? throw new InvalidOperationException("first fails") : Sleep(x), Enumerable.Range(0, 6));
        Assert.Equal("first fails", Assert.Throws<InvalidOperationException>(() => results.ToList()).Message);
        bpe.Shutdown();
        // The sleeping jobs were cancelled, not waited for.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task MapAsync_stops_and_cancels_its_jobs_when_its_token_is_cancelled()
    {
        await using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        using var stop = new CancellationTokenSource();
        var seen = new List<int>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var value in bpe.MapAsync(x => x == 0 ? 0 : Sleep(x), Enumerable.Range(0, 4), cancellationToken: stop.Token))
            {
                seen.Add(value);
                await stop.CancelAsync();
            }
        });
        Assert.Equal([0], seen);
        // Disposing waits for every job: it returns because the sleeping ones were cancelled, not finished.
    }

    [Fact]
    public void Cleanup_deletes_the_executor_folder_only_when_asked()
    {
        var cleaned = new BatchPoolExecutor(backend: _backend.Backend);
        Assert.Equal(1, cleaned.Submit(() => 1).Result());
        Assert.True(Directory.Exists(_backend.FolderOf(cleaned)));
        cleaned.Shutdown();
        Assert.False(Directory.Exists(_backend.FolderOf(cleaned)));

        var kept = new BatchPoolExecutor(backend: _backend.Backend, cleanupBucket: false);
        Assert.Equal(2, kept.Submit(() => 2).Result());
        kept.Shutdown();
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_backend.FolderOf(kept), "assemblies")));
    }

    [Fact]
    public async Task Through_storage_each_call_has_its_input_and_output_files()
    {
        await using var storageBackend = new TestBackend(payloadsThroughStorage: true);
        var kept = new BatchPoolExecutor(backend: storageBackend.Backend, cleanupBucket: false);
        Assert.Equal([2, 4], kept.Map(x => x * 2, [1, 2]));
        kept.Shutdown();
        var folder = storageBackend.FolderOf(kept);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(folder, "inputs"), "input", SearchOption.AllDirectories).Length);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(folder, "outputs"), "output", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void Cleanup_waits_for_jobs_still_running_after_shutdown_without_waiting()
    {
        var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var slow = bpe.Submit(() => Sleep(1));
        bpe.Shutdown(wait: false);
        Assert.Equal(1, slow.Result());
        SpinWait.SpinUntil(() => !Directory.Exists(_backend.FolderOf(bpe)), TimeSpan.FromSeconds(30));
        Assert.False(Directory.Exists(_backend.FolderOf(bpe)));
    }

    [Fact]
    public void Thread_limits_follow_cpus_per_job()
    {
        using (var single = new BatchPoolExecutor(backend: _backend.Backend))
        {
            Assert.Equal(("1", "1", 1), single.Submit(() => (Environment.GetEnvironmentVariable("OMP_NUM_THREADS"), Environment.GetEnvironmentVariable("NUMEXPR_NUM_THREADS"), Environment.ProcessorCount)).Result());
        }
        using var wide = new BatchPoolExecutor(backend: _backend.Backend, cpusPerJob: "2000m");
        Assert.Equal(("2", "2", 2), wide.Submit(() => (Environment.GetEnvironmentVariable("OPENBLAS_NUM_THREADS"), Environment.GetEnvironmentVariable("MKL_NUM_THREADS"), Environment.ProcessorCount)).Result());
    }

    [Fact]
    public void The_secret_is_not_visible_to_jobs()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var (variable, arguments) = bpe.Submit(() => (Environment.GetEnvironmentVariable("BATCHPOOL_SECRET"), Environment.GetCommandLineArgs())).Result();
        Assert.Null(variable);
        // The worker's arguments name the executor's storage and folder, nothing more.
        Assert.Equal(["serve", "--storage", _backend.Backend.Storage.Locator, "--folder", $"batch-pool-executor/{bpe.Name}/"], arguments[1..]);
    }

    [Fact]
    public void A_shipped_assembly_altered_in_storage_is_refused()
    {
        const string name = "tamper-test";
        using (var first = new BatchPoolExecutor(name, _backend.Backend, cleanupBucket: false))
        {
            Assert.Equal(1, first.Submit(() => 1).Result());
        }
        foreach (var file in Directory.GetFiles(Path.Combine(_backend.Root, "batch-pool-executor", name, "assemblies"), "*.dll"))
        {
            File.AppendAllText(file, "altered");
        }
        using var second = new BatchPoolExecutor(name, _backend.Backend);
        var error = second.Submit(() => 2).Exception();
        Assert.NotNull(error);
        Assert.Contains("does not match the hash", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_arguments_are_refused_at_once()
    {
        Assert.Throws<ArgumentException>(() => new BatchPoolExecutor(name: "a/b", backend: _backend.Backend));
        Assert.Throws<FormatException>(() => new BatchPoolExecutor(backend: _backend.Backend, cpusPerJob: "lots"));
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        Assert.Throws<ArgumentOutOfRangeException>(() => bpe.Map(x => x, [1], chunksize: 0));
    }

    private static int Sleep(int seconds)
    {
        Thread.Sleep(TimeSpan.FromSeconds(seconds * 10));
        return seconds;
    }
}
