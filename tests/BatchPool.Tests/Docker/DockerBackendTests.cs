using System.Diagnostics;
using System.Runtime.InteropServices;
using BatchPool.Backends;
using BatchPool.Tests.Executor;

namespace BatchPool.Tests.Docker;

/// <summary>What only the Docker backend does: images, limits, out-of-memory kills, containers stopped and removed.</summary>
public abstract class DockerBackendTests(bool reuseContainers) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TestBackend _backend = DockerTestBackends.Create(reuseContainers);
    private readonly DockerTestEngine _engine = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        _engine.Dispose();
    }

    [Fact]
    public async Task The_engine_answers_and_the_default_image_is_there()
    {
        var unreachable = await Record.ExceptionAsync(_engine.PingAsync);
        Assert.True(unreachable is null, $"No Docker engine at {DockerBackend.DefaultEndpoint} ({unreachable?.Message}): start one with docker/start-dockerd.sh.");
        Assert.Equal($"ghcr.io/batchpool/worker:{Environment.Version.Major}.{Environment.Version.Minor}", DockerBackend.DefaultImage);
        Assert.True(await _engine.ImageExistsAsync(DockerBackend.DefaultImage), $"{DockerBackend.DefaultImage} is missing: build it with docker/build-worker-image.sh.");
    }

    [Fact]
    public void Jobs_run_in_containers_of_the_default_image_with_no_network_as_this_user()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var (hostName, interfaces, globalization, user) = bpe.Submit(() => (
            Environment.MachineName,
            System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().Select(i => i.Name).Order().ToArray(),
            // The image has ICU, as the official runtime image does.
            1.5.ToString(new System.Globalization.CultureInfo("fr-FR")),
            File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)))).Result(Patience);
        Assert.NotEqual(Environment.MachineName, hostName);
        Assert.Equal(["lo"], interfaces);
        Assert.Equal("1,5", globalization);
        Assert.Equal(File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)), user);
    }

    [Fact]
    public void A_missing_image_fails_the_future_naming_the_image()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend, image: "batchpool-test/never-built:1");
        var error = Assert.Throws<BatchJobFailedException>(() => bpe.Submit(() => 1).Result(Patience));
        Assert.StartsWith("submitted job failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("image 'batchpool-test/never-built:1' is not on the Docker engine", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not be pulled", error.Message, StringComparison.Ordinal);
        Assert.Equal(BatchJobState.Failed, error.State);
    }

    [Fact]
    public async Task A_user_image_with_the_runtime_runs_jobs()
    {
        var image = await _engine.BuildAsync("batchpool-test/user-image", $"FROM {DockerBackend.DefaultImage}\nENV BATCHPOOL_TEST_GREETING=hello\n");
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend, image: image);
        Assert.Equal("hello 42", bpe.Submit(() => $"{Environment.GetEnvironmentVariable("BATCHPOOL_TEST_GREETING")} {6 * 7}").Result(Patience));
    }

    [Fact]
    public async Task A_user_image_without_dotnet_is_a_clear_error()
    {
        var image = await _engine.ImportEmptyImageAsync("batchpool-test/no-dotnet");
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend, image: image);
        var error = Assert.Throws<BatchJobFailedException>(() => bpe.Submit(() => 1).Result(Patience));
        Assert.StartsWith("submitted job failed", error.Message, StringComparison.Ordinal);
        Assert.Contains($"image '{image}' cannot start the worker, it has no .NET runtime", error.Message, StringComparison.Ordinal);
        Assert.Contains($"needs the .NET {WorkerDistribution.RuntimeVersion} runtime", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_image_whose_runtime_does_not_match_is_a_clear_error()
    {
        // The default image, made to accept only the exact version the worker was built against (10.0.0): its runtime
        // (a later patch) then does not match, as an image of another .NET version would not.
        var image = await _engine.BuildAsync("batchpool-test/other-runtime", $"FROM {DockerBackend.DefaultImage}\nENV DOTNET_ROLL_FORWARD=Disable\n");
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend, image: image);
        var error = Assert.Throws<BatchJobFailedException>(() => bpe.Submit(() => 1).Result(Patience));
        Assert.True(error.Message.Contains($"image '{image}' has no .NET runtime that runs the worker", StringComparison.Ordinal), error.Message);
        Assert.Contains("You must install or update .NET", error.LogTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cpus_and_memory_per_job_become_the_container_limits_and_thread_limits()
    {
        await using var limited = DockerTestBackends.Create(reuseContainers, memoryPerJob: "256m");
        using (var half = new BatchPoolExecutor(backend: limited.Backend, cpusPerJob: 0.5))
        {
            var (cpus, memory, threads, processors) = half.Submit(() => (CgroupCpus(), CgroupMemory(), Environment.GetEnvironmentVariable("OMP_NUM_THREADS"), Environment.ProcessorCount)).Result(Patience);
            Assert.Equal(0.5, cpus);
            Assert.Equal(256L * 1024 * 1024, memory);
            Assert.Equal("1", threads);
            Assert.Equal(1, processors);
        }
        using var two = new BatchPoolExecutor(backend: limited.Backend, cpusPerJob: "2000m");
        var (twoCpus, twoThreads, twoProcessors) = two.Submit(() => (CgroupCpus(), Environment.GetEnvironmentVariable("MKL_NUM_THREADS"), Environment.ProcessorCount)).Result(Patience);
        Assert.Equal(2.0, twoCpus);
        Assert.Equal("2", twoThreads);
        Assert.Equal(2, twoProcessors);
    }

    [Fact]
    public async Task A_job_over_its_memory_is_reported_out_of_memory()
    {
        await using var small = DockerTestBackends.Create(reuseContainers, memoryPerJob: "100m");
        using var bpe = new BatchPoolExecutor(backend: small.Backend);
        var error = Assert.Throws<BatchJobFailedException>(() => bpe.Submit(TouchNativeMemory, 400).Result(Patience));
        Assert.True(error.State == BatchJobState.OutOfMemory, error.Message);
        Assert.Contains("out of memory", error.Message, StringComparison.Ordinal);
        Assert.Contains("100 MiB", error.Message, StringComparison.Ordinal);
        Assert.Contains("touching 400 MiB", error.LogTail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_worker_that_exits_fails_its_job_with_id_exit_code_and_log_tail()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var dying = bpe.Submit(() =>
        {
            Console.Error.WriteLine("about to exit on purpose");
            Environment.Exit(3);
            return 0;
        });
        var error = Assert.Throws<BatchJobFailedException>(() => dying.Result(Patience));
        Assert.Equal(BatchJobState.Failed, error.State);
        Assert.Equal(3, error.ExitCode);
        Assert.StartsWith($"batchpool-{bpe.Name}-", error.JobId, StringComparison.Ordinal);
        Assert.Contains("about to exit on purpose", error.LogTail, StringComparison.Ordinal);
        Assert.Contains("exited with code 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, bpe.Submit(() => 2).Result(Patience));
    }

    [Fact]
    public void A_worker_that_exits_0_without_its_output_fails_with_the_log_tail()
    {
        // Exit code 0 spares the backend the container's inspection, not its log: the job still fails, and says why.
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var error = Assert.Throws<BatchJobFailedException>(() => bpe.Submit(() =>
        {
            Console.Error.WriteLine("leaving quietly");
            Environment.Exit(0);
            return 0;
        }).Result(Patience));
        Assert.Contains("did not write its output", error.Message, StringComparison.Ordinal);
        Assert.Contains("leaving quietly", error.LogTail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_killed_worker_reports_the_signal()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var error = Assert.Throws<BatchJobFailedException>(() => bpe.Submit(() =>
        {
            Console.WriteLine("killing myself");
            Process.GetCurrentProcess().Kill();
            return 0;
        }).Result(Patience));
        Assert.Equal(9, error.Signal);
        Assert.Contains("SIGKILL", error.Message, StringComparison.Ordinal);
        Assert.Contains("did not write its output", error.Message, StringComparison.Ordinal);
        Assert.Contains("killing myself", error.LogTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_kills_the_container_and_removes_it()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var future = bpe.Submit(() => SleepSeconds(120));
        Assert.True(SpinWait.SpinUntil(() => future.Running, Patience));
        var running = Assert.Single(await _engine.ContainersOfAsync(bpe.Name));
        Assert.Equal("running", running.State);
        var cancelled = Stopwatch.StartNew();
        Assert.True(future.Cancel());
        Assert.True(future.Cancelled);
        await WaitForNoContainersAsync(bpe.Name);
        Assert.True(cancelled.Elapsed < TimeSpan.FromSeconds(30), $"the container went after {cancelled.Elapsed}");
    }

    [Fact]
    public async Task A_map_error_kills_the_other_jobs_containers()
    {
        var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var results = bpe.Map(x => x == 0 ? throw new InvalidOperationException("first fails") : SleepSeconds(120), Enumerable.Range(0, 4));
        Assert.Equal("first fails", Assert.Throws<InvalidOperationException>(() => results.ToList()).Message);
        var shutdown = Stopwatch.StartNew();
        bpe.Shutdown();
        Assert.True(shutdown.Elapsed < TimeSpan.FromSeconds(60), $"shutdown took {shutdown.Elapsed}");
        Assert.Empty(await _engine.ContainersOfAsync(bpe.Name));
    }

    [Fact]
    public async Task A_job_cancelled_while_waiting_for_a_slot_never_runs()
    {
        await using var single = DockerTestBackends.Create(reuseContainers, maxParallelJobs: 1);
        using var bpe = new BatchPoolExecutor(backend: single.Backend);
        var marker = Path.Combine(single.FolderOf(bpe), "ran");
        var first = bpe.Submit(() => SleepSeconds(3));
        var second = bpe.Submit(WriteMarker, marker);
        Assert.True(SpinWait.SpinUntil(() => first.Running, Patience));
        Assert.True(second.Cancel());
        Assert.Equal(3, first.Result(Patience));
        Assert.Equal(7, bpe.Submit(() => 7).Result(Patience));
        Assert.True(second.Cancelled);
        Assert.False(File.Exists(marker));
        // One slot: at most one container of this executor's at a time.
        Assert.True((await _engine.ContainersOfAsync(bpe.Name)).Count <= 1);
    }

    [Fact]
    public async Task Closing_leaves_no_container_running_or_stopped()
    {
        string finished, abandoned;
        using (var bpe = new BatchPoolExecutor(backend: _backend.Backend))
        {
            finished = bpe.Name;
            Assert.Equal([0, 2, 4], bpe.Map(x => x * 2, [0, 1, 2]));
            Assert.Throws<BatchJobFailedException>(() => bpe.Submit(() => Exit(5)).Result(Patience));
        }
        Assert.Empty(await _engine.ContainersOfAsync(finished));

        // Jobs that never end, with an executor that does not wait: closing the backend kills and removes them all.
        await using (var backend = DockerTestBackends.Create(reuseContainers, maxParallelJobs: 2))
        {
            var bpe = new BatchPoolExecutor(backend: backend.Backend, waitOnExit: false);
            abandoned = bpe.Name;
            var futures = bpe.Map(x => SleepSeconds(120 + x), Enumerable.Range(0, 4));
            Assert.True(SpinWait.SpinUntil(() => _engine.ContainersOfAsync(abandoned).GetAwaiter().GetResult().Count(c => c.State == "running") == 2, Patience));
            bpe.Dispose();
        }
        Assert.Empty(await _engine.ContainersOfAsync(abandoned));
    }

    [Fact]
    public void Cleanup_deletes_the_executor_folder_only_when_asked()
    {
        var cleaned = new BatchPoolExecutor(backend: _backend.Backend);
        Assert.Equal(1, cleaned.Submit(() => 1).Result(Patience));
        Assert.True(File.Exists(Path.Combine(_backend.FolderOf(cleaned), "worker", "BatchPool.Worker.dll")));
        cleaned.Shutdown();
        Assert.False(Directory.Exists(_backend.FolderOf(cleaned)));

        var kept = new BatchPoolExecutor(backend: _backend.Backend, cleanupBucket: false);
        Assert.Equal(2, kept.Submit(() => 2).Result(Patience));
        kept.Shutdown();
        var folder = _backend.FolderOf(kept);
        Assert.Single(Directory.GetFiles(Path.Combine(folder, "outputs"), "output", SearchOption.AllDirectories));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(folder, "assemblies")));
    }

    [Fact]
    public void The_secret_is_not_visible_to_jobs_and_only_the_executor_folder_is_mounted()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var root = _backend.Root;
        var folder = _backend.FolderOf(bpe);
        var (variable, rootEntries, folderExists) = bpe.Submit(() => (
            Environment.GetEnvironmentVariable("BATCHPOOL_SECRET"),
            Directory.GetFileSystemEntries(Path.Combine(root, "batch-pool-executor")).Length,
            Directory.Exists(folder))).Result(Patience);
        Assert.Null(variable);
        Assert.Equal(1, rootEntries);
        Assert.True(folderExists);
    }

    [Fact]
    public async Task An_engine_that_cannot_be_reached_fails_jobs_saying_so()
    {
        await using var nowhere = new TestBackend(root => new DockerBackend(root, dockerEndpoint: "unix:///nonexistent/docker.sock") { ReuseContainers = reuseContainers });
        using var bpe = new BatchPoolExecutor(backend: nowhere.Backend);
        var error = Assert.Throws<BatchJobFailedException>(() => bpe.Submit(() => 1).Result(Patience));
        Assert.StartsWith("submitted job failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("the Docker engine at unix:///nonexistent/docker.sock cannot be reached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_settings_are_refused_at_once()
    {
        Assert.Equal("memoryPerJob", Assert.Throws<BatchPoolSettingException>(() => new DockerBackend(memoryPerJob: "lots")).Setting);
        Assert.Contains("6 MiB", Assert.Throws<BatchPoolSettingException>(() => new DockerBackend(memoryPerJob: "1k")).Message, StringComparison.Ordinal);
        Assert.Equal("maxParallelJobs", Assert.Throws<BatchPoolSettingException>(() => new DockerBackend(maxParallelJobs: 0)).Setting);
        Assert.Equal("image", Assert.Throws<BatchPoolSettingException>(() => new BatchPoolExecutor(backend: _backend.Backend, image: " ")).Setting);
    }

    private async Task WaitForNoContainersAsync(string executorName)
    {
        var waited = Stopwatch.StartNew();
        while ((await _engine.ContainersOfAsync(executorName)).Count > 0)
        {
            Assert.True(waited.Elapsed < Patience, $"the containers of {executorName} are still there after {waited.Elapsed}");
            await Task.Delay(100);
        }
    }

    private static int SleepSeconds(int seconds)
    {
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        return seconds;
    }

    private static bool WriteMarker(string path)
    {
        File.WriteAllText(path, "ran");
        return true;
    }

    private static int Exit(int code)
    {
        Environment.Exit(code);
        return code;
    }

    /// <summary>Allocates memory the garbage collector does not limit, and touches every page of it.</summary>
    private static int TouchNativeMemory(int mebibytes)
    {
        Console.Error.WriteLine($"touching {mebibytes} MiB");
        Console.Error.Flush();
        for (var i = 0; i < mebibytes; i++)
        {
            var block = Marshal.AllocHGlobal(1 << 20);
            for (var page = 0; page < 1 << 20; page += 4096)
            {
                Marshal.WriteByte(block, page, 1);
            }
        }
        return mebibytes;
    }

    /// <summary>The CPU limit of this process's cgroup, in cores (v1 or v2).</summary>
    private static double CgroupCpus()
    {
        if (File.Exists("/sys/fs/cgroup/cpu.max"))
        {
            var parts = File.ReadAllText("/sys/fs/cgroup/cpu.max").Split(' ');
            return double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) / double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        return double.Parse(File.ReadAllText("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), System.Globalization.CultureInfo.InvariantCulture)
            / double.Parse(File.ReadAllText("/sys/fs/cgroup/cpu/cpu.cfs_period_us"), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The memory limit of this process's cgroup, in bytes (v1 or v2).</summary>
    private static long CgroupMemory() =>
        long.Parse(File.ReadAllText(File.Exists("/sys/fs/cgroup/memory.max") ? "/sys/fs/cgroup/memory.max" : "/sys/fs/cgroup/memory/memory.limit_in_bytes"), System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A container per job (the default).</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerBackendTestsContainerPerJob() : DockerBackendTests(reuseContainers: false);

/// <summary>Each slot reusing its container.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerBackendTestsReusingContainers() : DockerBackendTests(reuseContainers: true);
