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
    /// <summary>Jobs get the connection string only when it is passed (<see cref="BatchPoolExecutorOptions.PassEnvironment"/>): every session passes it.</summary>
    public static TestBackend SlurmOnAzure() => SlurmCluster.NewBackend(root => new PassingBackend(new SlurmBackend(new SlurmBackendOptions
    {
        RemoteTmpdir = StorageServers.SlurmAzureAddress(),
        SharedFolder = root,
    }), ["AZURE_STORAGE_CONNECTION_STRING"]));
}

/// <summary>The conformance list on Slurm with Azure Blob storage.</summary>
[Collection("Slurm")]
public sealed class ConformanceTestsOnSlurmAndAzure() : ConformanceTests(SlurmBucketBackends.SlurmOnAzure);

/// <summary>What a bucket adds (exact cleanup, a NuGet dependency shipped, a missing or corrupt result), on Slurm with Azure.</summary>
[Collection("Slurm")]
public sealed class BucketExecutorTestsOnSlurmAndAzure() : BucketExecutorTests(SlurmBucketBackends.SlurmOnAzure)
{
    /// <summary>A node's worker runs from the worker shipped to the cluster's folder, where the tests' assemblies are not.</summary>
    protected override bool WorkersRunFromTheTestsFolder => false;
}

/// <summary>With a bucket, the shared folder holds the Slurm backend's own files: they go exactly when <c>cleanupBucket</c> says.</summary>
[Collection("Slurm")]
public sealed class SlurmSharedFolderCleanupTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_shared_folders_files_go_with_the_bucket_prefix_and_nothing_beside_them(bool cleanupBucket)
    {
        await using var backend = SlurmBucketBackends.SlurmOnAzure();
        var name = $"slurm-shared-cleanup-{cleanupBucket}-{Guid.NewGuid():N}"[..40];
        var prefix = $"batch-pool-executor/{name}/";
        var beside = Path.Combine(backend.Root, "batch-pool-executor", name + "-other", "keep");
        Directory.CreateDirectory(Path.GetDirectoryName(beside)!);
        await File.WriteAllTextAsync(beside, "keep");
        var shared = Path.Combine(backend.Root, "batch-pool-executor", name);
        await using (var bpe = new BatchPoolExecutor(backend: backend.Backend, name: name, cleanupBucket: cleanupBucket))
        {
            Assert.Equal([0, 2, 4], bpe.Map(x => x * 2, [0, 1, 2]).ToList());
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(shared, "slurm", "logs")));
            Assert.NotEmpty(await BucketBackends.KeysAsync(backend.Backend.Storage, prefix));
        }
        Assert.Equal(!cleanupBucket, Directory.Exists(shared));
        Assert.Equal(!cleanupBucket, (await BucketBackends.KeysAsync(backend.Backend.Storage, prefix)).Count > 0);
        Assert.Equal("keep", await File.ReadAllTextAsync(beside));
        await backend.Backend.Storage.DeleteFolderAsync(prefix);
    }
}
