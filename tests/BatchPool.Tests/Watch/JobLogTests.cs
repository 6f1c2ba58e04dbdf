using BatchPool.Status;
using BatchPool.Tests.Docker;
using BatchPool.Tests.Executor;
using BatchPool.Tests.Slurm;

namespace BatchPool.Tests.Watch;

/// <summary>Every job's log is kept in the executor's folder, whatever its end, on every backend.</summary>
public abstract class JobLogTests(Func<TestBackend> createBackend) : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);
    private readonly TestBackend _backend = createBackend();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public void A_job_that_succeeds_keeps_what_it_printed_on_both_streams()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var future = bpe.Submit(() =>
        {
            Console.WriteLine("to standard output");
            Console.Error.WriteLine("to standard error");
            return 1;
        });
        Assert.Equal(1, future.Result(Long));
        var log = future.Log();
        Assert.Contains("to standard output", log, StringComparison.Ordinal);
        Assert.Contains("to standard error", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_that_throws_keeps_its_log_and_the_exception_line()
    {
        await using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var future = bpe.Submit(() =>
        {
            Console.WriteLine("before the throw");
            throw new InvalidOperationException("thrown on purpose");
#pragma warning disable CS0162 // The lambda's type.
            return 0;
#pragma warning restore CS0162
        });
        Assert.IsType<InvalidOperationException>(future.Exception(Long));
        var log = await future.LogAsync();
        Assert.Contains("before the throw", log, StringComparison.Ordinal);
        Assert.Contains("thrown on purpose", log, StringComparison.Ordinal);
    }

    [Fact]
    public void A_job_whose_worker_exits_keeps_its_log_tail_and_the_exception_still_carries_it()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var future = bpe.Submit(() =>
        {
            Console.WriteLine("about to exit on purpose");
            Environment.Exit(3);
            return 0;
        });
        var error = Assert.IsType<BatchJobFailedException>(future.Exception(Long));
        Assert.Contains("about to exit on purpose", error.LogTail, StringComparison.Ordinal);
        Assert.Contains("about to exit on purpose", future.Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_running_job_that_is_cancelled_keeps_what_it_printed() =>
        Assert.Contains("started, now sleeping", LogOfCancelledJob(PrintThenSleep), StringComparison.Ordinal);

    [Fact]
    public void A_chunked_map_keeps_each_calls_log_apart_and_the_folder_keeps_them_after_shutdown()
    {
        var name = "chunks-" + Guid.NewGuid().ToString("N")[..8];
        using (var bpe = new BatchPoolExecutor(name: name, backend: _backend.Backend, cleanupBucket: false))
        {
            Assert.Equal([0, 1, 2, 3, 4], bpe.Map(x => { Console.WriteLine($"call {x} printed this"); return x; }, Enumerable.Range(0, 5), chunksize: 2).ToList());
        }
        var folder = StatusReader.FolderOf(RootOf(_backend), name);
        var status = StatusReader.Read(folder);
        Assert.NotNull(status.Ended);
        Assert.Equal(3, status.Counts.Succeeded);
        var logs = StatusReader.Logs(folder, status);
        Assert.Equal(5, logs.Count);
        for (var x = 0; x < 5; x++)
        {
            Assert.Equal(x % 2, logs[x].Index);
            Assert.Equal($"call {x} printed this", logs[x].Text.Trim());
        }
    }

    [Fact]
    public void What_a_jobs_child_processes_print_on_both_streams_is_in_its_log_in_order()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var future = bpe.Submit(() =>
        {
            Console.WriteLine("before the children");
            Echo("printed by /bin/echo");
            RunToExit("/bin/sh", "-c", "echo printed to standard error by a child >&2");
            Console.WriteLine("after the children");
            return 1;
        });
        Assert.Equal(1, future.Result(Long));
        var log = future.Log();
        AssertInOrder(log, "before the children", "printed by /bin/echo", "printed to standard error by a child", "after the children");
        // The next call's log is its own: the children's lines are not carried over.
        var next = bpe.Submit(() =>
        {
            Echo("the second call's child");
            return 2;
        });
        Assert.Equal(2, next.Result(Long));
        Assert.DoesNotContain("printed by /bin/echo", next.Log(), StringComparison.Ordinal);
        Assert.Contains("the second call's child", next.Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void Much_native_output_reaches_the_log_whole_with_characters_cut_between_reads_decoded()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        // 2,000 lines of two-byte characters, ~60 KB: the worker reads the pipe a few kilobytes at a time, so reads end
        // inside characters.
        var future = bpe.Submit(() =>
        {
            RunToExit("/bin/sh", "-c", "i=1; while [ $i -le 2000 ]; do echo \"ligne $i: été, à côté\"; i=$((i+1)); done");
            return 1;
        });
        Assert.Equal(1, future.Result(Long));
        var log = future.Log();
        AssertInOrder(log, "ligne 1: été, à côté", "ligne 1000: été, à côté", "ligne 2000: été, à côté");
        Assert.DoesNotContain('\uFFFD', log);
        Assert.Equal(2000, log.Split('\n').Count(line => line.EndsWith(": été, à côté", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_job_that_throws_keeps_what_its_child_printed_to_standard_error()
    {
        await using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var future = bpe.Submit(() =>
        {
            RunToExit("/bin/sh", "-c", "echo a child complains >&2");
            throw new InvalidOperationException("thrown after the child");
#pragma warning disable CS0162 // The lambda's type.
            return 0;
#pragma warning restore CS0162
        });
        Assert.IsType<InvalidOperationException>(future.Exception(Long));
        var log = await future.LogAsync();
        AssertInOrder(log, "a child complains", "thrown after the child");
    }

    [Fact]
    public void A_running_job_that_is_cancelled_keeps_what_its_child_printed() =>
        Assert.Contains("a child started, now its parent sleeps", LogOfCancelledJob(ChildPrintsThenSleep), StringComparison.Ordinal);

    /// <summary>
    /// Runs a job that prints, writes the mark it is given and sleeps; cancels it once it printed; returns the log the kept
    /// folder has of it (its one job, cancelled).
    /// </summary>
    private string LogOfCancelledJob(Func<string, Func<int>> printThenSleep)
    {
        var name = "logs-" + Guid.NewGuid().ToString("N")[..8];
        var folder = StatusReader.FolderOf(RootOf(_backend), name);
        using (var bpe = new BatchPoolExecutor(name: name, backend: _backend.Backend, cleanupBucket: false))
        {
            // The mark is written after the line: once it is there, the line is in the worker's log.
            var mark = Path.Combine(folder, "printed");
            var future = bpe.Submit(printThenSleep(mark));
            Assert.True(SpinWait.SpinUntil(() => File.Exists(mark), Long));
            // What it printed reaches the backend's log (a container's, a Slurm task's file) a moment later.
            Thread.Sleep(TimeSpan.FromSeconds(1));
            Assert.True(future.Cancel());
        }
        var status = StatusReader.Read(folder);
        Assert.Equal(JobStates.Cancelled, Assert.Single(status.Jobs).State);
        return Assert.Single(StatusReader.Logs(folder, status)).Text;
    }

    private static void AssertInOrder(string log, params string[] lines)
    {
        var at = lines.Select(line => log.IndexOf(line, StringComparison.Ordinal)).ToList();
        Assert.True(at.All(position => position >= 0) && at.SequenceEqual(at.Order()), $"expected, in this order: {string.Join(" | ", lines)}; the log was:\n{log}");
    }

    /// <summary>
    /// Runs <c>/bin/echo</c>; in the worker image, which has a shell and no coreutils, the shell's <c>echo</c> (a child
    /// process writing to its inherited descriptor 1 all the same).
    /// </summary>
    private static void Echo(string text)
    {
        if (File.Exists("/bin/echo"))
        {
            RunToExit("/bin/echo", text);
        }
        else
        {
            RunToExit("/bin/sh", "-c", "echo \"$0\"", text);
        }
    }

    /// <summary>Runs a program whose output is the job's own (inherited descriptors), to its end.</summary>
    private static void RunToExit(string program, params string[] arguments)
    {
        using var child = System.Diagnostics.Process.Start(program, arguments);
        child.WaitForExit();
    }

    /// <summary>A job whose child prints, marks that it did, and sleeps for ever.</summary>
    private static Func<int> ChildPrintsThenSleep(string mark) => () =>
    {
        RunToExit("/bin/sh", "-c", "echo a child started, now its parent sleeps");
        File.WriteAllText(mark, "");
        Thread.Sleep(Timeout.Infinite);
        return 0;
    };

    private static string RootOf(TestBackend backend) => backend.Root;

    /// <summary>A job that prints, marks that it did, and sleeps for ever (built here, apart from the test's closure).</summary>
    private static Func<int> PrintThenSleep(string mark) => () =>
    {
        Console.WriteLine("started, now sleeping");
        Console.Out.Flush();
        File.WriteAllText(mark, "");
        Thread.Sleep(Timeout.Infinite);
        return 0;
    };
}

/// <summary>Job logs on the local backend.</summary>
public sealed class JobLogTestsOnLocal() : JobLogTests(() => new TestBackend());

/// <summary>Job logs on the local backend, payloads through storage.</summary>
public sealed class JobLogTestsOnLocalThroughStorage() : JobLogTests(() => new TestBackend(payloadsThroughStorage: true));

/// <summary>Job logs on Slurm.</summary>
[Collection("Slurm")]
public sealed class JobLogTestsOnSlurm() : JobLogTests(() => SlurmCluster.NewBackend());

/// <summary>Job logs on Docker.</summary>
[Collection(DockerCollection.Name)]
public sealed class JobLogTestsOnDocker() : JobLogTests(() => DockerTestBackends.Create());
