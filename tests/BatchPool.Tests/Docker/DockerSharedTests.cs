using BatchPool.Tests.Executor;

namespace BatchPool.Tests.Docker;

/// <summary>Bad input and dying jobs on the Docker backend.</summary>
[Collection(DockerCollection.Name)]
public sealed class FailureTestsOnDocker() : FailureTests(() => DockerTestBackends.Create());

public sealed class DockerExecutorFixture() : ExecutorFixture(() => DockerTestBackends.Create(reuseContainers: true));

/// <summary>Every codec case through a job in a container.</summary>
[Collection(DockerCollection.Name)]
public sealed class CodecCasesThroughExecutorOnDocker(DockerExecutorFixture fixture)
    : CodecCasesThroughExecutorTests(fixture), IClassFixture<DockerExecutorFixture>;
