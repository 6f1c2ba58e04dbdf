using System.Diagnostics;
using BatchPool.Backends;

namespace BatchPool.Tests.Executor;

/// <summary>Bad input and dying jobs, on every backend: clear errors, nothing lost, nothing hanging.</summary>
public abstract class FailureTests(Func<TestBackend> createBackend) : IAsyncLifetime
{
    private readonly TestBackend _backend = createBackend();

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
    public void An_unserializable_item_of_a_long_map_fails_the_map_at_once_naming_the_first_in_order()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        using var fs = File.OpenRead(typeof(FailureTests).Assembly.Location);
        // Long enough for the map's jobs to be encoded on several cores: the failure reported is still the first in order.
        var items = Enumerable.Range(0, 300).Select(i => i switch { 150 => fs, 280 => (object)new Thread(() => { }), _ => i }).ToList();
        var error = Assert.Throws<UnserializableValueException>(() => bpe.Map((object item) => item.ToString(), items));
        Assert.Equal(typeof(FileStream), error.ValueType);
        Assert.Equal(["ok"], bpe.Map((int x) => "ok", [1]));
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
        Assert.False(string.IsNullOrEmpty(error.JobId));
        Assert.Contains(error.JobId, error.Message, StringComparison.Ordinal);
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
        var error = Assert.Throws<BatchJobFailedException>(() => killed.Result(TimeSpan.FromSeconds(120)));
        Assert.Equal(9, error.Signal);
        Assert.Contains("SIGKILL", error.Message, StringComparison.Ordinal);
        // Lost to a signal we did not send: run 3 times (the default), each attempt named in the error.
        Assert.Equal(3, error.Attempts.Count);
        Assert.All(error.Attempts, a => Assert.Equal(9, a.Signal));
        Assert.Equal([true, true, false], error.Attempts.Select(a => a.Retried));
        Assert.Equal(3, error.Attempts.Select(a => a.JobId).Distinct().Count());
        Assert.Contains("It ran 3 times", error.Message, StringComparison.Ordinal);
        Assert.Contains("attempt 3 (job " + error.JobId, error.Message, StringComparison.Ordinal);
    }

    /// <summary>A folder every backend's jobs see at the same path: the executor's own.</summary>
    private string SharedFolder(BatchPoolExecutor bpe)
    {
        Assert.Equal(0, bpe.Submit(() => 0).Result(TimeSpan.FromSeconds(120)));
        var folder = Path.Combine(_backend.FolderOf(bpe), "test-files");
        Directory.CreateDirectory(folder);
        return folder;
    }

    [Fact]
    public void A_job_whose_worker_is_killed_once_runs_again_and_its_result_is_taken_once()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var folder = SharedFolder(bpe);
        var runs = Path.Combine(folder, "runs");
        var marker = Path.Combine(folder, "killed");
        var future = bpe.Submit(() =>
        {
            File.AppendAllText(runs, "x");
            if (!File.Exists(marker))
            {
                File.WriteAllText(marker, "");
                Process.GetCurrentProcess().Kill();
            }
            return 42;
        });
        Assert.Equal(42, future.Result(TimeSpan.FromSeconds(120)));
        Assert.Equal("xx", File.ReadAllText(runs));
    }

    [Fact]
    public void An_exception_of_the_function_is_never_retried()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var runs = Path.Combine(SharedFolder(bpe), "runs");
        var future = bpe.Submit(() =>
        {
            File.AppendAllText(runs, "x");
            throw new InvalidOperationException("the function's own error");
#pragma warning disable CS0162 // Unreachable: the lambda must be a Func<int>.
            return 0;
#pragma warning restore CS0162
        });
        var error = Assert.Throws<InvalidOperationException>(() => future.Result(TimeSpan.FromSeconds(120)));
        Assert.Equal("the function's own error", error.Message);
        Assert.Equal("x", File.ReadAllText(runs));
    }

    [Fact]
    public void Max_attempts_1_never_retries()
    {
        using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = _backend.Backend, MaxAttempts = 1 });
        var runs = Path.Combine(SharedFolder(bpe), "runs");
        var killed = bpe.Submit(() =>
        {
            File.AppendAllText(runs, "x");
            Process.GetCurrentProcess().Kill();
            return 0;
        });
        var error = Assert.Throws<BatchJobFailedException>(() => killed.Result(TimeSpan.FromSeconds(120)));
        Assert.Equal(9, error.Signal);
        Assert.Single(error.Attempts);
        Assert.Equal("x", File.ReadAllText(runs));
    }

    [Fact]
    public void A_job_past_its_timeout_is_stopped_and_says_so_without_a_retry()
    {
        // Room for every job but the hanging one, the warm-up included: a trivial Slurm job under a CI run's load once took
        // more than 2 s from the executor's first sight of it running.
        using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = _backend.Backend, JobTimeout = TimeSpan.FromSeconds(10) });
        var runs = Path.Combine(SharedFolder(bpe), "runs");
        var hanging = bpe.Submit(() =>
        {
            File.AppendAllText(runs, "x");
            Thread.Sleep(TimeSpan.FromMinutes(10));
            return 0;
        });
        var quick = bpe.Submit(() => 7);
        var error = Assert.Throws<BatchJobFailedException>(() => hanging.Result(TimeSpan.FromSeconds(120)));
        Assert.Equal(BatchJobState.TimedOut, error.State);
        Assert.Contains("ran past its timeout of 00:00:10", error.Message, StringComparison.Ordinal);
        Assert.Single(error.Attempts);
        Assert.Equal(7, quick.Result(TimeSpan.FromSeconds(120)));
        Assert.Equal("x", File.ReadAllText(runs));
    }

    [Fact]
    public void A_result_that_cannot_be_shipped_back_is_a_clear_error()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        // A file of the worker's own runtime: one that exists wherever the job runs (a container, a node).
        var future = bpe.Submit(() => File.OpenRead(typeof(object).Assembly.Location));
        var error = Assert.Throws<UnserializableValueException>(() => future.Result());
        Assert.Equal(typeof(FileStream), error.ValueType);
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
    public void Shutdown_that_cancels_the_futures_stops_running_and_queued_jobs_and_cleans_up_without_waiting_for_them()
    {
        var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var started = Stopwatch.StartNew();
        // Jobs of 60 s and more: more than any backend here runs at once, so some run and some wait.
        var futures = Enumerable.Range(6, 12).Select(seconds => bpe.Submit(() => Sleep(seconds))).ToList();
        Assert.True(SpinWait.SpinUntil(() => futures.Any(future => future.Running), TimeSpan.FromSeconds(60)));

        bpe.Shutdown(wait: true, cancelFutures: true);

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(50), $"the shutdown took {started.Elapsed}");
        Assert.All(futures, future => Assert.True(future.Cancelled));
        Assert.Throws<TaskCanceledException>(() => futures[0].Result());
        Assert.False(Directory.Exists(_backend.FolderOf(bpe)));
        Assert.Throws<ExecutorShutDownException>(() => bpe.Submit(() => 1));
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
        if (arguments[1] == "serve")
        {
            // A serving worker learns its executor's secret, storage and folder on its standard input: its arguments say
            // at most that it was started as a spare, before its executor.
            Assert.True(arguments[2..] is [] or ["--spare"], string.Join(' ', arguments));
            return;
        }
        // A worker of one job: its arguments name the executor's storage and folder and the call, nothing more.
        Assert.Equal("run", arguments[1]);
        Assert.Equal(["--storage", _backend.Backend.Storage.Locator, "--folder", $"batch-pool-executor/{bpe.Name}/"], arguments[2..6]);
        Assert.True(arguments.Length == 8 && arguments[6] == "--call", string.Join(' ', arguments));
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

    private static (string Setting, string? Value) Setting(Func<BatchPoolExecutor> create)
    {
        var refused = Assert.Throws<BatchPoolSettingException>(() => create().Dispose());
        return (refused.Setting, refused.Value);
    }

    [Fact]
    public void Invalid_arguments_are_refused_at_once()
    {
        Assert.Equal(("name", "a/b"), Setting(() => new BatchPoolExecutor(name: "a/b", backend: _backend.Backend)));
        Assert.Equal(("cpusPerJob", "lots"), Setting(() => new BatchPoolExecutor(backend: _backend.Backend, cpusPerJob: "lots")));
        Assert.Equal(("cpusPerJob", "0"), Setting(() => new BatchPoolExecutor(backend: _backend.Backend, cpusPerJob: 0)));
        Assert.Equal(("cpusPerJob", "-0.5"), Setting(() => new BatchPoolExecutor(backend: _backend.Backend, cpusPerJob: -0.5)));
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        Assert.Throws<ArgumentOutOfRangeException>(() => bpe.Map(x => x, [1], chunksize: 0));
    }

    internal static int Sleep(int seconds)
    {
        Thread.Sleep(TimeSpan.FromSeconds(seconds * 10));
        return seconds;
    }
}

/// <summary>On the local backend.</summary>
public sealed class FailureTestsOnLocal() : FailureTests(() => new TestBackend());
