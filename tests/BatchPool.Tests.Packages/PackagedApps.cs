namespace BatchPool.Tests.Packages;

/// <summary>
/// The apps of every test, made as a user makes them (<c>dotnet new</c>, <c>dotnet add package</c>) against the run's
/// <see cref="PackageFeed"/> and built all at once, in parallel, when the collection starts; each test waits for its
/// own. When the collection ends the feed, the apps and the packages restored from it are deleted.
/// </summary>
public sealed class PackagedApps : IAsyncLifetime
{
    /// <summary>Submit and Map, and which backend ran them; the C# apps all run it, and every line it prints is checked.</summary>
    public const string Program = """
        using BatchPool;

        await using var bpe = new BatchPoolExecutor();
        Console.WriteLine($"backend: {bpe.Backend.GetType().Name}");
        var offset = 6;
        Console.WriteLine($"submit: {bpe.Submit(() => 3 + offset).Result()}");
        Console.WriteLine($"map: {string.Join(",", bpe.Map(x => x * 3, Enumerable.Range(0, 4)))}");
        Console.WriteLine($"elsewhere: {bpe.Submit(() => Environment.ProcessId).Result() != Environment.ProcessId}");
        """;

    /// <summary>The same program in F#.</summary>
    public const string FSharpProgram = """
        open System
        open BatchPool

        let bpe = new BatchPoolExecutor()
        printfn "backend: %s" (bpe.Backend.GetType().Name)
        let offset = 6
        printfn "submit: %d" (bpe.Submit(Func<int>(fun () -> 3 + offset)).Result())
        printfn "map: %s" (bpe.Map(Func<int, int>(fun x -> x * 3), [ 0..3 ]) |> Seq.map string |> String.concat ",")
        printfn "elsewhere: %s" (string (bpe.Submit(Func<int>(fun () -> Environment.ProcessId)).Result() <> Environment.ProcessId))
        bpe.Dispose()
        """;

    /// <summary>An xunit project's tests of code that uses an executor.</summary>
    public const string XunitTests = """
        using BatchPool;

        public class ExecutorTests
        {
            [Fact]
            public async Task Map_runs_on_workers()
            {
                await using var bpe = new BatchPoolExecutor();
                Assert.Equal([0, 3, 6, 9], bpe.Map(x => x * 3, Enumerable.Range(0, 4)));
                Assert.NotEqual(Environment.ProcessId, await bpe.Submit(() => Environment.ProcessId));
            }

            [Fact]
            public async Task A_job_s_exception_comes_back()
            {
                await using var bpe = new BatchPoolExecutor();
                var future = bpe.Submit(() => int.Parse("nine"));
                Assert.IsType<FormatException>(future.Exception());
            }
        }
        """;

    private readonly List<Task> _builds = [];

    public PackageFeed Feed { get; private set; } = null!;

    /// <summary>A C# console app that references BatchPool only.</summary>
    public Task<string> LocalOnly { get; private set; } = null!;

    /// <summary>The same app with BatchPool.Docker and BatchPool.Slurm added.</summary>
    public Task<string> AllBackends { get; private set; } = null!;

    /// <summary>An F# console app that references BatchPool.</summary>
    public Task<string> FSharp { get; private set; } = null!;

    /// <summary>An xunit test project that references BatchPool (restored, not built: its test is <c>dotnet test</c>).</summary>
    public Task<string> Xunit { get; private set; } = null!;

    /// <summary>A folder with app.cs, a file-based app whose <c>#:package</c> directive names BatchPool (built).</summary>
    public Task<string> FileBased { get; private set; } = null!;

    /// <summary>The watch scenario's console app (samples/Nightly's Program.cs) with BatchPool, BatchPool.Docker and BatchPool.Slurm.</summary>
    public Task<string> Nightly { get; private set; } = null!;

    /// <summary>The <c>batchpool</c> tool, installed from the feed with <c>dotnet tool install --tool-path</c>: the path of its command.</summary>
    public Task<string> Tool { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Feed = await PackageFeed.PackAsync();
        LocalOnly = Track(NewApp("console-local", "console", "C#", [], ("Program.cs", Program)));
        AllBackends = Track(NewApp("console-all", "console", "C#", ["BatchPool.Docker", "BatchPool.Slurm"], ("Program.cs", Program)));
        FSharp = Track(NewApp("fsharp", "console", "F#", [], ("Program.fs", FSharpProgram)));
        Xunit = Track(NewApp("xunit", "xunit", "C#", [], ("UnitTest1.cs", XunitTests)));
        FileBased = Track(NewFileBasedApp());
        Nightly = Track(NewApp("nightly", "console", "C#", ["BatchPool.Docker", "BatchPool.Slurm"],
            ("Program.cs", File.ReadAllText(Path.Combine(PackageFeed.RepositoryRoot(), "samples", "Nightly", "Program.cs")))));
        Tool = Track(InstallTool());
    }

    public async Task DisposeAsync()
    {
        // No build may still be writing into the folders being deleted.
        try
        {
            await Task.WhenAll(_builds);
        }
        catch (Exception)
        {
            // Each failure failed its own test.
        }
        Feed?.Delete();
    }

    /// <summary>Runs a built console app (<c>dotnet bin/Release/net10.0/App.dll</c>), with BATCHPOOL_BACKEND set when a backend is given.</summary>
    public static Task<CommandResult> Run(string app, string? backend = null) =>
        Dotnet.Run(app, backend is null ? null : new Dictionary<string, string> { ["BATCHPOOL_BACKEND"] = backend },
            Path.Combine("bin", "Release", "net10.0", "App.dll"));

    /// <summary>Asserts that a program printed exactly what <see cref="Program"/> prints when every job ran on <paramref name="backend"/>.</summary>
    public static void AssertRan(CommandResult run, string backend)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.SequenceEqual([$"backend: {backend}", "submit: 9", "map: 0,3,6,9", "elsewhere: True"]), run.ToString());
    }

    private Task<string> Track(Task<string> build)
    {
        _builds.Add(build);
        return build;
    }

    private async Task<string> NewApp(string name, string template, string language, string[] morePackages, (string File, string Text) code)
    {
        var folder = Feed.NewAppFolder(name);
        await Dotnet.Succeed(folder, "new", template, "--language", language, "--name", "App", "--output", ".");
        File.WriteAllText(Path.Combine(folder, code.File), code.Text);
        foreach (var package in (string[])["BatchPool", .. morePackages])
        {
            await Dotnet.Succeed(folder, "add", "package", package, "--version", Feed.Version);
        }
        if (template == "console")
        {
            await Dotnet.Succeed(folder, "build", "-c", "Release");
        }
        return folder;
    }

    /// <summary>
    /// <c>dotnet tool install BatchPool.Cli</c> into a folder of its own, as a user installs it, with the feed named on the
    /// command line only (no nuget.config names it); its command is that folder's <c>batchpool</c>.
    /// </summary>
    private async Task<string> InstallTool()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Feed.Root, "tool")).FullName;
        var tools = Path.Combine(folder, "bin");
        await Dotnet.Succeed(folder, "tool", "install", "BatchPool.Cli", "--version", Feed.Version, "--tool-path", tools, "--add-source", Feed.Folder);
        var command = Path.Combine(tools, "batchpool");
        Assert.True(File.Exists(command), $"dotnet tool install made no {command}: {string.Join(", ", Directory.GetFileSystemEntries(tools))}");
        return command;
    }

    private async Task<string> NewFileBasedApp()
    {
        var folder = Feed.NewAppFolder("file-based");
        File.WriteAllText(Path.Combine(folder, "app.cs"), $"#:package BatchPool@{Feed.Version}\n" + Program);
        await Dotnet.Succeed(folder, "build", "app.cs");
        return folder;
    }
}

/// <summary>The package tests share one feed and one set of apps, built in parallel.</summary>
[CollectionDefinition("Packages")]
public sealed class PackagesCollection : ICollectionFixture<PackagedApps>;
