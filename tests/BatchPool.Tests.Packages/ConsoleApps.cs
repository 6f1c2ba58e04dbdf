namespace BatchPool.Tests.Packages;

/// <summary>
/// Two console apps as a user makes them (<c>dotnet new console</c>, <c>dotnet add package</c>), built once for the
/// class: one with the BatchPool package alone, one with BatchPool.Docker and BatchPool.Slurm added. Both run the same
/// Program.cs, and BATCHPOOL_BACKEND chooses the backend.
/// </summary>
public sealed class ConsoleApps : IAsyncLifetime
{
    /// <summary>Submit and Map, and which backend ran them; every line is checked by the tests.</summary>
    public const string Program = """
        using BatchPool;

        await using var bpe = new BatchPoolExecutor();
        Console.WriteLine($"backend: {bpe.Backend.GetType().Name}");
        var offset = 6;
        Console.WriteLine($"submit: {bpe.Submit(() => 3 + offset).Result()}");
        Console.WriteLine($"map: {string.Join(",", bpe.Map(x => x * 3, Enumerable.Range(0, 4)))}");
        Console.WriteLine($"elsewhere: {bpe.Submit(() => Environment.ProcessId).Result() != Environment.ProcessId}");
        """;

    public PackageFeed Feed { get; private set; } = null!;

    /// <summary>The app that references BatchPool only.</summary>
    public string LocalOnly { get; private set; } = null!;

    /// <summary>The app that references BatchPool, BatchPool.Docker and BatchPool.Slurm.</summary>
    public string AllBackends { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Feed = await PackageFeed.Get();
        var localOnly = Create("console-local", []);
        var allBackends = Create("console-all", ["BatchPool.Docker", "BatchPool.Slurm"]);
        LocalOnly = await localOnly;
        AllBackends = await allBackends;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Runs the built app (<c>dotnet App.dll</c>) with <paramref name="backend"/> as BATCHPOOL_BACKEND, if any.</summary>
    public static Task<CommandResult> Run(string app, string? backend = null) =>
        Dotnet.Run(app, backend is null ? null : new Dictionary<string, string> { ["BATCHPOOL_BACKEND"] = backend },
            Path.Combine("bin", "Release", "net10.0", "App.dll"));

    /// <summary>The lines an app prints when every job ran and returned what it should on <paramref name="backend"/>.</summary>
    public static void AssertRan(CommandResult run, string backend)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.SequenceEqual([$"backend: {backend}", "submit: 9", "map: 0,3,6,9", "elsewhere: True"]), run.ToString());
    }

    private async Task<string> Create(string name, string[] morePackages)
    {
        var folder = Feed.NewAppFolder(name);
        await Dotnet.Succeed(folder, "new", "console", "--name", "App", "--output", ".");
        File.WriteAllText(Path.Combine(folder, "Program.cs"), Program);
        foreach (var package in (string[])["BatchPool", .. morePackages])
        {
            await Dotnet.Succeed(folder, "add", "package", package, "--version", Feed.Version);
        }
        await Dotnet.Succeed(folder, "build", "-c", "Release");
        return folder;
    }
}

/// <summary>A console app built from the packages, on each backend, chosen without a code change.</summary>
public sealed class ConsoleAppTests(ConsoleApps apps) : IClassFixture<ConsoleApps>
{
    [Fact]
    public async Task With_BatchPool_alone_Submit_and_Map_run_on_local_workers()
    {
        ConsoleApps.AssertRan(await ConsoleApps.Run(apps.LocalOnly), "LocalBackend");
    }

    [Fact]
    public async Task Without_BatchPool_Docker_the_docker_backend_fails_naming_the_package()
    {
        var run = await ConsoleApps.Run(apps.LocalOnly, "docker");
        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("dotnet add package BatchPool.Docker", run.Output, StringComparison.Ordinal);
        Assert.Contains("BATCHPOOL_BACKEND", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("submit:", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_BatchPool_Docker_BATCHPOOL_BACKEND_docker_runs_the_jobs_in_containers()
    {
        ConsoleApps.AssertRan(await ConsoleApps.Run(apps.AllBackends, "docker"), "DockerBackend");
    }

    [Fact]
    public async Task With_BatchPool_Slurm_BATCHPOOL_BACKEND_slurm_runs_the_jobs_on_the_cluster()
    {
        SlurmClusterCheck.AssertRunning();
        // The test cluster's nodes share this machine's file system (and its dotnet): any local folder is shared.
        var shared = Path.Combine(apps.Feed.Root, "slurm-shared");
        Directory.CreateDirectory(shared);
        ConsoleApps.AssertRan(await ConsoleApps.Run(apps.AllBackends, $"slurm:{shared}"), "SlurmBackend");
    }

    [Fact]
    public async Task With_all_backend_packages_the_default_is_still_local()
    {
        ConsoleApps.AssertRan(await ConsoleApps.Run(apps.AllBackends), "LocalBackend");
    }

    [Fact]
    public async Task A_published_app_carries_the_worker()
    {
        var publish = Path.Combine(apps.Feed.Root, "console-local-published");
        await Dotnet.Succeed(apps.LocalOnly, "publish", "-c", "Release", "--no-build", "-o", publish);
        Assert.True(File.Exists(Path.Combine(publish, "BatchPool.Worker.dll")), string.Join("\n", Directory.GetFiles(publish)));
        var run = await Dotnet.Run(publish, null, "App.dll");
        ConsoleApps.AssertRan(run, "LocalBackend");
    }
}
