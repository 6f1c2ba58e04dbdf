using BatchPool.Backends;
using BatchPool.Storage;
using BatchPool.Tests.Docker;
using BatchPool.Tests.Executor;

namespace BatchPool.Tests.Storage;

/// <summary>
/// Docker backends whose storage is an S3 bucket: containers run on the host's network and reach s3rver themselves, with
/// the credentials the executor passes them.
/// </summary>
public static class DockerBucketBackends
{
    public static readonly string[] S3Credentials = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];

    /// <summary>
    /// For suites that make their executors themselves (the conformance list): every executor's sessions pass the S3
    /// credentials, as <see cref="BatchPoolExecutorOptions.PassEnvironment"/> does (tested on its own below).
    /// </summary>
    public static TestBackend DockerOnS3(bool reuseContainers = false) =>
        new(_ => new PassingBackend(new DockerBackend(StorageServers.S3Address()) { ReuseContainers = reuseContainers }, S3Credentials));
}

/// <summary>The conformance list on the Docker backend with S3 storage.</summary>
[Collection(DockerCollection.Name)]
public sealed class ConformanceTestsOnDockerAndS3() : ConformanceTests(() => DockerBucketBackends.DockerOnS3());

/// <summary>The conformance list on the Docker backend with S3 storage, each slot reusing its container.</summary>
[Collection(DockerCollection.Name)]
public sealed class ConformanceTestsOnDockerAndS3ReusingContainers() : ConformanceTests(() => DockerBucketBackends.DockerOnS3(reuseContainers: true));

[Collection(DockerCollection.Name)]
public sealed class DockerBucketTests : IAsyncLifetime
{
    private readonly DockerBackend _docker = new(StorageServers.S3Address());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Fact]
    public void Jobs_get_the_variables_passed_and_no_other_of_the_client()
    {
        Environment.SetEnvironmentVariable("BATCHPOOL_TEST_CLIENT_ONLY", "not for jobs");
        using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = _docker, PassEnvironment = [.. DockerBucketBackends.S3Credentials] });
        var (key, clientOnly) = bpe.Submit(() => (Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"), Environment.GetEnvironmentVariable("BATCHPOOL_TEST_CLIENT_ONLY"))).Result(TimeSpan.FromMinutes(2));
        Assert.Equal("S3RVER", key);
        Assert.Null(clientOnly);
    }

    [Fact]
    public void A_worker_without_credentials_fails_its_job_naming_the_bucket_and_what_to_set()
    {
        using var bpe = new BatchPoolExecutor(backend: _docker);
        var error = Assert.Throws<BatchJobFailedException>(() => bpe.Submit(() => 1).Result(TimeSpan.FromMinutes(3)));
        Assert.True(error.Message.Contains("S3 bucket 'batchpool'", StringComparison.Ordinal), error.Message);
        Assert.True(error.Message.Contains("AWS_ACCESS_KEY_ID", StringComparison.Ordinal), error.Message);
        Assert.True(error.Message.Contains("PassEnvironment", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void A_NuGet_dependency_of_the_job_is_shipped_through_the_bucket_to_the_container()
    {
        using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = _docker, PassEnvironment = [.. DockerBucketBackends.S3Credentials] });
        var (name, context, inContainer) = bpe.Submit(() =>
        {
            var assembly = typeof(CsCheck.Gen).Assembly;
            return (assembly.GetName().Name, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(assembly)?.Name, File.Exists("/.dockerenv"));
        }).Result(TimeSpan.FromMinutes(2));
        Assert.Equal("CsCheck", name);
        Assert.Equal("BatchPool shipped code", context);
        Assert.True(inContainer);
    }
}
