using System.Diagnostics;
using BatchPool.Backends;
using BatchPool.Backends.Slurm;

namespace BatchPool.Tests.Slurm;

/// <summary>What Slurm adds: job arrays over two nodes, sbatch options, and Slurm's own failures in its own words.</summary>
[Collection("Slurm")]
public sealed class SlurmBackendTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_map_is_one_job_array_spread_over_both_nodes()
    {
        await using var cluster = SlurmCluster.NewBackend();
        using var bpe = new BatchPoolExecutor(backend: cluster.Backend);
        var tasks = bpe.Map(
            _ =>
            {
                Thread.Sleep(1500);
                return (Environment.GetEnvironmentVariable("SLURMD_NODENAME"), Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID"), Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID"));
            },
            Enumerable.Range(0, 6)).ToList();
        Assert.Equal(["node1", "node2"], tasks.Select(t => t.Item1).Distinct().Order());
        Assert.Single(tasks.Select(t => t.Item2).Distinct());
        Assert.Equal(["0", "1", "2", "3", "4", "5"], tasks.Select(t => t.Item3));
    }

    [Fact]
    public async Task Cpus_memory_partition_account_time_limit_and_name_reach_slurm()
    {
        await using var cluster = SlurmCluster.NewBackend(root => new SlurmBackend(root, partition: "batch", account: "genomics", timeLimit: TimeSpan.FromMinutes(10), memoryPerJob: "300M"));
        using var bpe = new BatchPoolExecutor(name: "slurm-options", backend: cluster.Backend, cpusPerJob: 2);
        var seen = bpe.Submit(() =>
        {
            var job = Environment.GetEnvironmentVariable("SLURM_JOB_ID")!;
            return string.Join('|',
                Environment.GetEnvironmentVariable("SLURM_CPUS_PER_TASK"),
                Environment.GetEnvironmentVariable("SLURM_MEM_PER_NODE"),
                Environment.GetEnvironmentVariable("SLURM_JOB_PARTITION"),
                Environment.GetEnvironmentVariable("SLURM_JOB_ACCOUNT"),
                Environment.GetEnvironmentVariable("SLURM_JOB_NAME"),
                SlurmCluster.Run("squeue", "--noheader", $"--jobs={job}", "--format=%l").Output.Trim());
        }).Result(Patience);
        Assert.Equal("2|300|batch|genomics|slurm-options|10:00", seen);
    }

    [Fact]
    public async Task A_partition_slurm_does_not_know_is_refused_at_submit_with_sbatchs_words()
    {
        await using var cluster = SlurmCluster.NewBackend(root => new SlurmBackend(root, partition: "no-such-partition"));
        using var bpe = new BatchPoolExecutor(backend: cluster.Backend);
        var error = Assert.Throws<InvalidOperationException>(() => bpe.Submit(() => 1));
        Assert.Contains("Invalid partition name specified", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => bpe.Map(x => x, [1, 2]).ToList());
    }

    [Fact]
    public async Task A_job_over_its_memory_is_reported_out_of_memory()
    {
        await using var cluster = SlurmCluster.NewBackend(root => new SlurmBackend(root, memoryPerJob: "200M"));
        // One attempt: an out-of-memory kill is retried by default, and each attempt waits for Slurm's memory watchdog.
        using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = cluster.Backend, MaxAttempts = 1 });
        var future = bpe.Submit(() =>
        {
            var hog = new byte[800 << 20];
            Array.Fill(hog, (byte)1);
            Thread.Sleep(TimeSpan.FromSeconds(60));
            return hog.Length;
        });
        var error = Assert.Throws<BatchJobFailedException>(() => future.Result(Patience));
        Assert.Equal(BatchJobState.OutOfMemory, error.State);
        Assert.Contains("out of memory", error.Message, StringComparison.Ordinal);
        Assert.Contains("Exceeded job memory limit", error.LogTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_past_its_time_limit_is_reported_timed_out()
    {
        // Slurm counts time limits in whole minutes: this test waits a minute or so.
        await using var cluster = SlurmCluster.NewBackend(root => new SlurmBackend(root, timeLimit: TimeSpan.FromSeconds(1)));
        using var bpe = new BatchPoolExecutor(backend: cluster.Backend);
        var future = bpe.Submit(() => SleepFor(600));
        var error = Assert.Throws<BatchJobFailedException>(() => future.Result(TimeSpan.FromSeconds(240)));
        Assert.Equal(BatchJobState.TimedOut, error.State);
        Assert.Contains("TIMEOUT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_gets_the_variables_listed_for_passing_and_what_the_worker_needs_but_no_other_of_the_clients()
    {
        // Names of this test's own: set in this process only, which every other test ignores.
        Environment.SetEnvironmentVariable("BATCHPOOL_TEST_PASSED", "passed value, with a comma");
        Environment.SetEnvironmentVariable("BATCHPOOL_TEST_NOT_PASSED", "kept on the client");
        await using var cluster = SlurmCluster.NewBackend();
        using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = cluster.Backend, PassEnvironment = ["BATCHPOOL_TEST_PASSED", "BATCHPOOL_TEST_UNSET"] });
        var seen = bpe.Submit(() => string.Join('|',
            Environment.GetEnvironmentVariable("BATCHPOOL_TEST_PASSED"),
            Environment.GetEnvironmentVariable("BATCHPOOL_TEST_NOT_PASSED") ?? "(none)",
            Environment.GetEnvironmentVariable("BATCHPOOL_TEST_UNSET") ?? "(none)",
            Environment.GetEnvironmentVariable("PATH"),
            Environment.GetEnvironmentVariable("HOME"),
            Environment.GetEnvironmentVariable("SLURMD_NODENAME") is { Length: > 0 } ? "(slurm's own)" : "(none)")).Result(Patience);
        Assert.Equal($"passed value, with a comma|(none)|(none)|{Environment.GetEnvironmentVariable("PATH")}|{Environment.GetEnvironmentVariable("HOME")}|(slurm's own)", seen);
    }

    [Fact]
    public void Sbatch_exports_the_workers_needs_that_are_set_and_the_jobs_variables_by_name()
    {
        var set = new HashSet<string> { "PATH", "HOME" };
        Assert.Equal("--export=PATH,HOME,OMP_NUM_THREADS,BATCHPOOL_SECRET", SlurmJobEnvironment.ExportOption(["OMP_NUM_THREADS", "BATCHPOOL_SECRET", "PATH"], set.Contains));
        Assert.Equal("--export=NONE", SlurmJobEnvironment.ExportOption([], _ => false));
        var error = Assert.Throws<ArgumentException>(() => SlurmJobEnvironment.ExportOption(["A,B"], _ => false));
        Assert.Contains("'A,B'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_cancelled_outside_the_program_says_so()
    {
        await using var cluster = SlurmCluster.NewBackend();
        using var bpe = new BatchPoolExecutor(name: "slurm-scancel", backend: cluster.Backend);
        var future = bpe.Submit(() => SleepFor(600));
        Assert.True(SpinWait.SpinUntil(() => future.Running, Patience));
        Assert.Equal(0, SlurmCluster.Run("scancel", "--name=slurm-scancel").ExitCode);
        var error = Assert.Throws<BatchJobFailedException>(() => future.Result(Patience));
        Assert.Equal(BatchJobState.Cancelled, error.State);
        Assert.Contains("cancelled outside this executor", error.Message, StringComparison.Ordinal);
        Assert.False(future.Cancelled);
    }

    [Fact]
    public async Task A_node_without_the_dotnet_runtime_is_a_clear_error_naming_the_node()
    {
        await using var cluster = SlurmCluster.NewBackend(root => new SlurmBackend(root) { DotnetPath = "/opt/no-dotnet-here/dotnet" });
        using var bpe = new BatchPoolExecutor(backend: cluster.Backend);
        var error = Assert.Throws<BatchJobFailedException>(() => bpe.Submit(() => 1).Result(Patience));
        Assert.Matches("node node[12] has no .NET runtime", error.Message);
        Assert.Contains($"Microsoft.NETCore.App {WorkerDistribution.RuntimeVersion}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_needs_a_container_launcher_and_runs_through_it()
    {
        await using var plain = SlurmCluster.NewBackend();
        var refused = Assert.Throws<ArgumentException>(() => new BatchPoolExecutor(backend: plain.Backend, image: "ubuntu:24.04"));
        Assert.Contains("ubuntu:24.04", refused.Message, StringComparison.Ordinal);
        Assert.Contains("no container runtime", refused.Message, StringComparison.Ordinal);

        // A launcher that only sets a variable: enough to see the image and the command line reach the nodes.
        await using var launching = SlurmCluster.NewBackend(root => new SlurmBackend(root) { ContainerLauncher = ["/usr/bin/env", "LAUNCHED_IMAGE={image}", "LAUNCHED_STORAGE={storage}"] });
        using var bpe = new BatchPoolExecutor(backend: launching.Backend, image: "registry.example/worker:1");
        var (image, storage) = bpe.Submit(() => (Environment.GetEnvironmentVariable("LAUNCHED_IMAGE"), Environment.GetEnvironmentVariable("LAUNCHED_STORAGE"))).Result(Patience);
        Assert.Equal("registry.example/worker:1", image);
        Assert.Equal(Path.GetFullPath(launching.Root), storage);
    }

    [Fact]
    public async Task Disposing_the_backend_leaves_nothing_queued_or_running()
    {
        var cluster = SlurmCluster.NewBackend();
        var bpe = new BatchPoolExecutor(name: "slurm-dispose", backend: cluster.Backend, waitOnExit: false);
        var futures = bpe.Map(x => SleepFor(600 + x), Enumerable.Range(0, 12));
        bpe.Dispose();
        var watch = Stopwatch.StartNew();
        await cluster.DisposeAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"disposing took {watch.Elapsed}");
        Assert.Equal("", SlurmCluster.Run("squeue", "--noheader", "--name=slurm-dispose", "--states=PENDING,RUNNING,CONFIGURING,COMPLETING,SUSPENDED").Output.Trim());
        GC.KeepAlive(futures);
    }

    [Fact]
    public async Task A_map_of_more_chunks_than_the_array_limit_packs_consecutive_chunks_into_one_worker_per_task()
    {
        await using var cluster = SlurmCluster.NewBackend(root => new SlurmBackend(root) { MaxArrayTasks = 3 });
        using var bpe = new BatchPoolExecutor(backend: cluster.Backend);
        var results = bpe.Map(
            x => (x * 2, Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID"), Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID"), Environment.ProcessId),
            Enumerable.Range(0, 10)).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(x => x * 2), results.Select(r => r.Item1));
        Assert.Single(results.Select(r => r.Item2).Distinct());
        // 10 chunks in 3 tasks: 4, 3 and 3 consecutive ones, each task one worker process.
        Assert.Equal(["0", "0", "0", "0", "1", "1", "1", "2", "2", "2"], results.Select(r => r.Item3));
        Assert.Equal(3, results.Select(r => r.Item4).Distinct().Count());
    }

    [Fact]
    public async Task In_a_packed_task_a_chunk_that_throws_fails_with_its_own_exception_after_the_chunks_before_it()
    {
        await using var cluster = SlurmCluster.NewBackend(root => new SlurmBackend(root) { MaxArrayTasks = 2 });
        using var bpe = new BatchPoolExecutor(name: "slurm-packed-throw", backend: cluster.Backend);
        var seen = new List<int>();
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var result in bpe.Map(x => x == 4 ? throw new InvalidOperationException($"chunk {x} refuses") : x, Enumerable.Range(0, 6)))
            {
                seen.Add(result);
            }
        });
        Assert.Equal("chunk 4 refuses", error.Message);
        Assert.Equal([0, 1, 2, 3], seen);
        bpe.Dispose();
        Assert.Equal("", SlurmCluster.Run("squeue", "--noheader", "--name=slurm-packed-throw", "--states=PENDING,RUNNING,CONFIGURING,COMPLETING,SUSPENDED").Output.Trim());
    }

    [Fact]
    public async Task In_a_packed_task_a_crashing_worker_fails_the_chunk_it_ran_with_the_exit_code_and_log()
    {
        await using var cluster = SlurmCluster.NewBackend(root => new SlurmBackend(root) { MaxArrayTasks = 2 });
        using var bpe = new BatchPoolExecutor(backend: cluster.Backend);
        var seen = new List<int>();
        var error = Assert.Throws<BatchJobFailedException>(() =>
        {
            foreach (var result in bpe.Map(
                x =>
                {
                    if (x == 4)
                    {
                        Console.Error.WriteLine("chunk 4 exits the worker");
                        Console.Error.Flush();
                        Environment.Exit(42);
                    }
                    return x;
                },
                Enumerable.Range(0, 6)))
            {
                seen.Add(result);
            }
        });
        Assert.Equal([0, 1, 2, 3], seen);
        Assert.Equal(BatchJobState.Failed, error.State);
        Assert.Equal(42, error.ExitCode);
        Assert.Contains("chunk 4 exits the worker", error.LogTail, StringComparison.Ordinal);
        Assert.Contains("#1", error.JobId, StringComparison.Ordinal);
    }

    private static int SleepFor(int seconds)
    {
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        return seconds;
    }
}
