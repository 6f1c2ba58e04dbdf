using BatchPool.Tests.Executor;

namespace BatchPool.Tests.Docker;

/// <summary>
/// The tests that need the Docker engine: one collection, so that their containers do not crowd each other. They fail,
/// never skip, when the engine or the default image is missing (docker/start-dockerd.sh and docker/build-worker-image.sh).
/// </summary>
[CollectionDefinition(Name)]
public sealed class DockerCollection
{
    public const string Name = "Docker engine";
}

/// <summary>Test backends on the Docker engine.</summary>
public static class DockerTestBackends
{
    public static TestBackend Create(bool reuseContainers = false, int? maxParallelJobs = null, string? memoryPerJob = null) =>
        new(root => new DockerBackend(root, maxParallelJobs: maxParallelJobs, memoryPerJob: memoryPerJob) { ReuseContainers = reuseContainers });
}

/// <summary>The conformance list on the Docker backend.</summary>
[Collection(DockerCollection.Name)]
public sealed class ConformanceTestsOnDocker() : ConformanceTests(() => DockerTestBackends.Create());

/// <summary>The end-to-end tests on the Docker backend.</summary>
[Collection(DockerCollection.Name)]
public sealed class EndToEndTestsOnDocker() : EndToEndTests(() => DockerTestBackends.Create());

/// <summary>The conformance list on the Docker backend, each slot reusing its container.</summary>
[Collection(DockerCollection.Name)]
public sealed class ConformanceTestsOnDockerReusingContainers() : ConformanceTests(() => DockerTestBackends.Create(reuseContainers: true));

/// <summary>The end-to-end tests on the Docker backend, each slot reusing its container.</summary>
[Collection(DockerCollection.Name)]
public sealed class EndToEndTestsOnDockerReusingContainers() : EndToEndTests(() => DockerTestBackends.Create(reuseContainers: true));
