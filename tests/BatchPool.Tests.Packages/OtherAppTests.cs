namespace BatchPool.Tests.Packages;

/// <summary>The other kinds of program a user makes with the BatchPool package: each runs Submit and Map on local workers.</summary>
public sealed class OtherAppTests
{
    [Fact]
    public async Task A_file_based_app_with_a_package_directive_runs_Submit_and_Map()
    {
        var feed = await PackageFeed.Get();
        var folder = feed.NewAppFolder("file-based");
        File.WriteAllText(Path.Combine(folder, "app.cs"), $"#:package BatchPool@{feed.Version}\n" + ConsoleApps.Program);
        ConsoleApps.AssertRan(await Dotnet.Run(folder, null, "run", "app.cs"), "LocalBackend");
    }

    [Fact]
    public async Task An_FSharp_console_app_runs_Submit_and_Map()
    {
        var feed = await PackageFeed.Get();
        var folder = feed.NewAppFolder("fsharp");
        await Dotnet.Succeed(folder, "new", "console", "--language", "F#", "--name", "App", "--output", ".");
        File.WriteAllText(Path.Combine(folder, "Program.fs"), """
            open System
            open BatchPool

            let bpe = new BatchPoolExecutor()
            printfn "backend: %s" (bpe.Backend.GetType().Name)
            let offset = 6
            printfn "submit: %d" (bpe.Submit(Func<int>(fun () -> 3 + offset)).Result())
            printfn "map: %s" (bpe.Map(Func<int, int>(fun x -> x * 3), [ 0..3 ]) |> Seq.map string |> String.concat ",")
            printfn "elsewhere: %s" (string (bpe.Submit(Func<int>(fun () -> Environment.ProcessId)).Result() <> Environment.ProcessId))
            bpe.Dispose()
            """);
        await Dotnet.Succeed(folder, "add", "package", "BatchPool", "--version", feed.Version);
        var run = await Dotnet.Run(folder, null, "run", "-c", "Release");
        ConsoleApps.AssertRan(run, "LocalBackend");
    }

    [Fact]
    public async Task An_xunit_test_project_uses_an_executor_and_dotnet_test_passes()
    {
        var feed = await PackageFeed.Get();
        var folder = feed.NewAppFolder("xunit");
        await Dotnet.Succeed(folder, "new", "xunit", "--name", "AppTests", "--output", ".");
        File.Delete(Path.Combine(folder, "UnitTest1.cs"));
        File.WriteAllText(Path.Combine(folder, "ExecutorTests.cs"), """
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
            """);
        await Dotnet.Succeed(folder, "add", "package", "BatchPool", "--version", feed.Version);
        var test = await Dotnet.Succeed(folder, "test", "-c", "Release");
        Assert.Matches(@"Passed!\s+- Failed:\s+0, Passed:\s+2, Skipped:\s+0, Total:\s+2", test.Output);
    }
}
