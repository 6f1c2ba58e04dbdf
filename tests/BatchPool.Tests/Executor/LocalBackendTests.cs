using System.Diagnostics;
using BatchPool.Backends;
using BatchPool.Backends.Local;

namespace BatchPool.Tests.Executor;

/// <summary>What only the local backend does: a bounded number of warm workers, payloads over pipes or through storage.</summary>
public sealed class LocalBackendTests
{
    [Fact]
    public async Task One_worker_starts_with_the_executor_and_the_others_with_jobs_to_run_at_once()
    {
        await using var three = new TestBackend(maxParallelJobs: 3);
        using var bpe = new BatchPoolExecutor(backend: three.Backend);
        // A lone job runs in the worker that started with the executor.
        var lone = bpe.Submit(() => Environment.ProcessId).Result();
        // Three jobs that wait for one another can only finish if three workers run them at once.
        var workers = bpe.Map(MeetsTheOthers(Path.Combine(three.Root, "gate"), 3), Enumerable.Range(0, 3)).ToList();
        Assert.DoesNotContain(-1, workers);
        Assert.Equal(3, workers.Distinct().Count());
        Assert.Contains(lone, workers);
    }

    [Theory]
    [InlineData("/tmp/port", true)]
    [InlineData("/tmp/port,connect", true)]
    [InlineData("/tmp/port,connect,nosuspend", false)]
    [InlineData("/tmp/a,nosuspend;/tmp/b", true)]
    [InlineData("/tmp/a,listen,nosuspend; /tmp/b,NoSuspend", false)]
    public void A_diagnostic_port_holds_a_process_at_its_start_unless_it_says_nosuspend(string ports, bool suspends) =>
        Assert.Equal(suspends, LocalWorkerProcess.SuspendsAtStart(ports));

    [Fact]
    public async Task Workers_do_not_inherit_a_diagnostic_port_that_would_hold_them_at_their_start()
    {
        // As dotnet-trace sets it for the program it launches: a port no tool will ever resume the workers from.
        Environment.SetEnvironmentVariable("DOTNET_DiagnosticPorts", Path.Combine(Path.GetTempPath(), "batchpool-no-such-tool.sock") + ",connect,suspend");
        try
        {
            await using var backend = new TestBackend(root => new LocalBackend(root, maxParallelJobs: 1) { SpareWorkerLifetime = TimeSpan.Zero });
            // Not waiting for its job on exit: held at its start, the worker would never end it.
            using var bpe = new BatchPoolExecutor(backend: backend.Backend, waitOnExit: false);
            Assert.Null(bpe.Submit(() => Environment.GetEnvironmentVariable("DOTNET_DiagnosticPorts")).Result(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOTNET_DiagnosticPorts", null);
        }
    }

    [Fact]
    public async Task A_lone_job_runs_in_the_worker_that_started_with_the_executor_and_no_other_worker_starts()
    {
        await using var two = new TestBackend(maxParallelJobs: 2);
        using var bpe = new BatchPoolExecutor(backend: two.Backend);
        // Submitted while the first worker boots: the idle slot must leave the job to it rather than start a second worker.
        var ran = bpe.Submit(() => Environment.ProcessId).Result();
        var session = Assert.Single(((LocalBackend)two.Backend).Sessions);
        Assert.Equal([ran], session.WorkerIds);
    }

    [Fact]
    public async Task A_worker_that_dies_before_it_is_up_fails_the_next_job_with_how_and_the_one_after_gets_a_new_worker()
    {
        await using var backend = new TestBackend(root => new LocalBackend(root, maxParallelJobs: 1) { SpareWorkerLifetime = TimeSpan.Zero });
        // A startup hook that does not exist: the runtime aborts before the worker's Main.
        var options = new BatchSessionOptions("dies-at-boot", WorkerDistribution.Locate(), System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))
        {
            Environment = new Dictionary<string, string> { ["DOTNET_STARTUP_HOOKS"] = "/nonexistent/batchpool-test-hook.dll" },
        };
        await using var session = backend.Backend.OpenSession(options);
        var jobs = await session.SubmitAsync([new BatchJobRequest("first", ["run"]), new BatchJobRequest("second", ["run"])]);

        var first = await jobs[0].Ended.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(BatchJobState.Failed, first.State);
        Assert.Equal(6, first.Signal);
        Assert.Contains("StartupHook", first.LogTail, StringComparison.Ordinal);
        // The second job meets a new worker, which dies the same way: it fails too, and nothing waits forever.
        var second = await jobs[1].Ended.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(BatchJobState.Failed, second.State);
        Assert.Equal(2, ((LocalBackend)backend.Backend).Sessions.Single().WorkerIds.Length);
    }

    [Fact]
    public async Task A_worker_killed_while_idle_is_replaced_for_the_next_job()
    {
        await using var single = new TestBackend(maxParallelJobs: 1);
        using var bpe = new BatchPoolExecutor(backend: single.Backend);
        var first = bpe.Submit(() => Environment.ProcessId).Result();
        using (var worker = Process.GetProcessById(first))
        {
            worker.Kill();
            worker.WaitForExit();
        }
        var second = bpe.Submit(() => Environment.ProcessId).Result(TimeSpan.FromSeconds(60));
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task A_job_cancelled_while_waiting_behind_a_running_one_never_runs()
    {
        await using var single = new TestBackend(maxParallelJobs: 1);
        using var bpe = new BatchPoolExecutor(backend: single.Backend);
        var marker = Path.Combine(single.Root, "ran");
        var first = bpe.Submit(() => FailureTests.Sleep(1) * 0);
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
        var second = bpe.Submit(() => FailureTests.Sleep(1000));
        // The worker takes `second` the moment it answers `first`: cancel it right then. Whichever way the race with its
        // start goes (skipped, or killed with its worker), it must not go on running, and the next job must run.
        first.AddDoneCallback(_ => second.Cancel());
        Assert.Equal(1, first.Result());
        Assert.Equal(3, bpe.Submit(() => 3).Result(TimeSpan.FromSeconds(60)));
        Assert.True(second.Cancelled);
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
    public async Task A_job_that_kills_its_worker_among_short_ones_fails_alone_and_no_job_runs_twice()
    {
        await using var single = new TestBackend(maxParallelJobs: 1);
        // One attempt: the subject is the jobs around the killed one (a retry of it would kill its worker again).
        using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = single.Backend, MaxAttempts = 1 });
        var runs = Path.Combine(single.Root, "runs");
        Directory.CreateDirectory(runs);
        // Short jobs sent ahead to one worker: the ones before the fatal one have answered (or must be answered) before it
        // kills the process, so that they keep their results, and the ones behind it run once, in the next worker.
        var job = RecordsItsRunsAndKillsItsWorkerAt(runs, 25);
        var futures = Enumerable.Range(0, 40).Select(i => bpe.Submit(job, i)).ToList();
        for (var i = 0; i < futures.Count; i++)
        {
            if (i == 25)
            {
                var error = Assert.Throws<BatchJobFailedException>(() => futures[i].Result());
                Assert.Equal(BatchJobState.Failed, error.State);
            }
            else
            {
                Assert.Equal(i, futures[i].Result());
            }
            Assert.Equal(["ran"], File.ReadAllLines(Path.Combine(runs, $"{i}")));
        }
    }

    [Fact]
    public async Task What_native_code_prints_to_standard_output_goes_to_the_log_and_the_results_still_arrive()
    {
        await using var single = new TestBackend(maxParallelJobs: 1);
        using var bpe = new BatchPoolExecutor(backend: single.Backend);
        // As a C library's printf would: to descriptor 1, behind Console's back. Before the replies had a descriptor of
        // their own, this text went into them, and the client waited for ever for an output of the length it spelled.
        Assert.Equal(42, bpe.Submit(() => NativeConsole.Print("a native line in the middle of the replies\n") > 0 ? 42 : -1).Result(TimeSpan.FromSeconds(60)));
        Assert.Equal([0, 3, 6], bpe.Map((int x) => NativeConsole.Print($"native {x}\n") > 0 ? x * 3 : -1, [0, 1, 2]).ToList());
        // And it is in the call's own log, as Console's lines are.
        var printing = bpe.Submit(() => NativeConsole.Print("a native line of a call that succeeds\n") > 0 ? 1 : -1);
        Assert.Equal(1, printing.Result(TimeSpan.FromSeconds(60)));
        Assert.Contains("a native line of a call that succeeds", printing.Log(), StringComparison.Ordinal);

        var failed = bpe.Submit(() =>
        {
            NativeConsole.Print("printed natively before the job's end\n");
            Environment.Exit(7);
            return 0;
        });
        var error = Assert.Throws<BatchJobFailedException>(() => failed.Result(TimeSpan.FromSeconds(60)));
        Assert.Contains("printed natively before the job's end", error.LogTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_that_reads_standard_input_reads_nothing_and_the_requests_behind_it_are_not_taken()
    {
        await using var single = new TestBackend(maxParallelJobs: 1);
        using var bpe = new BatchPoolExecutor(backend: single.Backend);
        // Jobs sent ahead to one worker: their requests wait in its input while the first ones read it. Before the requests
        // had a descriptor of their own, Console.ReadLine took their bytes, or waited for ever for a line.
        var readers = Enumerable.Range(0, 20).Select(i => bpe.Submit((int x) => Console.ReadLine() is null ? x : -1, i)).ToList();
        var nativeReaders = Enumerable.Range(0, 20).Select(i => bpe.Submit((int x) => NativeConsole.ReadInput() == 0 ? x : -1, i)).ToList();
        Assert.Equal(Enumerable.Range(0, 20), readers.Select(future => future.Result(TimeSpan.FromSeconds(60))));
        Assert.Equal(Enumerable.Range(0, 20), nativeReaders.Select(future => future.Result(TimeSpan.FromSeconds(60))));
    }

    [Fact]
    public async Task A_job_that_closes_the_console_closes_its_own_writer_not_the_log_of_its_worker()
    {
        await using var single = new TestBackend(maxParallelJobs: 1);
        using var bpe = new BatchPoolExecutor(backend: single.Backend);
        // The console's writers were the worker's log: closing them made the worker abort at its next line of log.
        var worker = bpe.Submit(() =>
        {
            Console.Out.Close();
            Console.Error.Close();
            return Environment.ProcessId;
        }).Result(TimeSpan.FromSeconds(60));

        // As in any process, writing to a closed console fails the code that writes, not the process.
        Assert.Throws<ObjectDisposedException>(() => bpe.Submit(() =>
        {
            Console.WriteLine("after the console closed");
            return 0;
        }).Result(TimeSpan.FromSeconds(60)));
        Assert.Equal(worker, bpe.Submit(() => Environment.ProcessId).Result(TimeSpan.FromSeconds(60)));
        // And the worker still reports how a job ends.
        var failed = Assert.Throws<BatchJobFailedException>(() => bpe.Submit(() =>
        {
            NativeConsole.Print("the last words of a job\n");
            Environment.Exit(9);
            return 0;
        }).Result(TimeSpan.FromSeconds(60)));
        Assert.Equal(9, failed.ExitCode);
        Assert.Contains("the last words of a job", failed.LogTail, StringComparison.Ordinal);
    }

    /// <summary>
    /// A job that marks its arrival in <paramref name="gate"/> and waits (at most 60 s) until <paramref name="count"/> jobs
    /// have: they can all finish only in as many workers at once. It returns its worker's process id, or -1 when the
    /// others never came.
    /// </summary>
    internal static Func<int, int> MeetsTheOthers(string gate, int count)
    {
        Directory.CreateDirectory(gate);
        return i =>
        {
            File.WriteAllText(Path.Combine(gate, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), "");
            var waited = Stopwatch.StartNew();
            while (Directory.GetFiles(gate).Length < count && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(10);
            }
            return Directory.GetFiles(gate).Length == count ? Environment.ProcessId : -1;
        };
    }

    // Built here, not in the test: a lambda of the test's scope would share its closure with the executor.
    private static Func<int, int> RecordsItsRunsAndKillsItsWorkerAt(string runs, int fatal) => x =>
    {
        File.AppendAllText(Path.Combine(runs, $"{x}"), "ran\n");
        if (x == fatal)
        {
            Environment.FailFast($"job {x} kills its worker on purpose");
        }
        return x;
    };
}

/// <summary>Writes to descriptor 1 and reads descriptor 0 natively, behind Console's back, as C code in a job would.</summary>
internal static class NativeConsole
{
    /// <summary>What a <c>read</c> of descriptor 0 returns: the bytes read, 0 at the end of the input.</summary>
    public static long ReadInput() => Read(0, new byte[4096], 4096);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "read")]
    private static extern nint Read(int descriptor, byte[] bytes, nint count);

    public static long Print(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return Write(1, bytes, bytes.Length);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "write")]
    private static extern nint Write(int descriptor, byte[] bytes, nint count);
}
