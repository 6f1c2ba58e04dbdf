namespace BatchPool.Tests.Packages;

/// <summary>The other kinds of program a user makes with the BatchPool package: each runs Submit and Map on local workers.</summary>
[Collection("Packages")]
public sealed class OtherAppTests(PackagedApps apps)
{
    [Fact]
    public async Task A_file_based_app_with_a_package_directive_runs_Submit_and_Map()
    {
        PackagedApps.AssertRan(await Dotnet.Run(await apps.FileBased, null, "run", "app.cs"), "LocalBackend");
    }

    [Fact]
    public async Task An_FSharp_console_app_runs_Submit_and_Map()
    {
        PackagedApps.AssertRan(await PackagedApps.Run(await apps.FSharp), "LocalBackend");
    }

    [Fact]
    public async Task An_xunit_test_project_uses_an_executor_and_dotnet_test_passes()
    {
        var test = await Dotnet.Succeed(await apps.Xunit, "test", "-c", "Release");
        Assert.Matches(@"Passed!\s+- Failed:\s+0, Passed:\s+2, Skipped:\s+0, Total:\s+2", test.Output);
    }
}
