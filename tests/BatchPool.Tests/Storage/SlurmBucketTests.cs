using BatchPool.Tests.Executor;
using BatchPool.Tests.Slurm;

namespace BatchPool.Tests.Storage;

/// <summary>
/// Slurm with Azure Blob storage: the jobs' data in the Azurite on the cluster's bridge (10.197.0.1:10001), which the
/// nodes reach from their own network namespaces; the backend's scripts, status files, logs and the worker (with the
/// store's package beside it) in the shared folder.
/// </summary>
public static class SlurmBucketBackends
{
    public static TestBackend SlurmOnAzure() => SlurmCluster.NewBackend(root => new SlurmBackend(new SlurmBackendOptions
    {
        RemoteTmpdir = StorageServers.SlurmAzureAddress(),
        SharedFolder = root,
    }));
}

/// <summary>The conformance list on Slurm with Azure Blob storage.</summary>
[Collection("Slurm")]
public sealed class ConformanceTestsOnSlurmAndAzure() : ConformanceTests(SlurmBucketBackends.SlurmOnAzure);

/// <summary>What a bucket adds (exact cleanup, a NuGet dependency shipped, a missing or corrupt result), on Slurm with Azure.</summary>
[Collection("Slurm")]
public sealed class BucketExecutorTestsOnSlurmAndAzure() : BucketExecutorTests(SlurmBucketBackends.SlurmOnAzure);
