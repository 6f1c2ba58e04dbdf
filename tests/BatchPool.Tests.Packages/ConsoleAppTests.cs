namespace BatchPool.Tests.Packages;

/// <summary>A C# console app built from the packages, on each backend, chosen by BATCHPOOL_BACKEND without a code change.</summary>
[Collection("Packages")]
public sealed class ConsoleAppTests(PackagedApps apps)
{
    [Fact]
    public async Task With_BatchPool_alone_Submit_and_Map_run_on_local_workers()
    {
        PackagedApps.AssertRan(await PackagedApps.Run(await apps.LocalOnly), "LocalBackend");
    }

    [Fact]
    public async Task Without_BatchPool_Docker_the_docker_backend_fails_naming_the_package()
    {
        var run = await PackagedApps.Run(await apps.LocalOnly, "docker");
        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("BATCHPOOL_BACKEND", run.Output, StringComparison.Ordinal);
        Assert.Contains("`dotnet add package BatchPool.Docker`", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("submit:", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("local:s3://batchpool/packaged-app", "BatchPool.Storage.S3")]
    [InlineData("local:hail-az://devstoreaccount1/batchpool/packaged-app", "BatchPool.Storage.Azure")]
    [InlineData("local:https://devstoreaccount1.blob.core.windows.net/batchpool/packaged-app", "BatchPool.Storage.Azure")]
    public async Task Without_a_storage_package_a_bucket_address_fails_naming_the_package(string backend, string package)
    {
        // As for a backend package: the address is understood, and the error says which package holds its store, before
        // any job (or any request to a server: none needs to run).
        var run = await PackagedApps.Run(await apps.LocalOnly, backend);
        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("BATCHPOOL_BACKEND", run.Output, StringComparison.Ordinal);
        Assert.Contains(backend["local:".Length..], run.Output, StringComparison.Ordinal);
        Assert.Contains($"`dotnet add package {package}`", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("backend:", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("submit:", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_BatchPool_Docker_BATCHPOOL_BACKEND_docker_runs_the_jobs_in_containers()
    {
        PackagedApps.AssertRan(await PackagedApps.Run(await apps.AllBackends, "docker"), "DockerBackend");
    }

    [Fact]
    public async Task With_BatchPool_Slurm_BATCHPOOL_BACKEND_slurm_runs_the_jobs_on_the_cluster()
    {
        SlurmClusterCheck.AssertRunning();
        // The test cluster's nodes share this machine's file system (and its dotnet): a folder under /tmp is shared.
        var shared = Path.Combine(apps.Feed.Root, "slurm-shared");
        Directory.CreateDirectory(shared);
        PackagedApps.AssertRan(await PackagedApps.Run(await apps.AllBackends, $"slurm:{shared}"), "SlurmBackend");
    }

    [Fact]
    public async Task With_every_backend_package_the_default_is_still_local()
    {
        PackagedApps.AssertRan(await PackagedApps.Run(await apps.AllBackends), "LocalBackend");
    }

    [Fact]
    public async Task A_published_app_carries_the_worker()
    {
        var publish = Path.Combine(apps.Feed.Root, "console-local-published");
        await Dotnet.Succeed(await apps.LocalOnly, "publish", "-c", "Release", "--no-build", "-o", publish);
        Assert.True(File.Exists(Path.Combine(publish, "BatchPool.Worker.dll")), string.Join("\n", Directory.GetFiles(publish)));
        PackagedApps.AssertRan(await Dotnet.Run(publish, null, "App.dll"), "LocalBackend");
    }
}
