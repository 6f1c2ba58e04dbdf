using BatchPool.Backends;
using BatchPool.Storage;
using BatchPool.Storage.Azure;
using BatchPool.Storage.S3;
using BatchPool.Tests.Executor;
using BatchPool.Tests.UserCode;

namespace BatchPool.Tests.Storage;

/// <summary>Local backends whose storage is a bucket: workers read their jobs from it and write their results there.</summary>
public static class BucketBackends
{
    public static TestBackend LocalOnS3() => new(_ => new LocalBackend(StorageServers.S3Address()));

    public static TestBackend LocalOnAzure() => new(_ => new LocalBackend(StorageServers.AzureAddress()));

    /// <summary>The keys under <paramref name="folder"/> of a bucket store, listed by the service's own client.</summary>
    public static async Task<List<string>> KeysAsync(IBatchStorage storage, string folder)
    {
        switch (storage)
        {
            case S3Storage s3:
                {
                    using var client = StorageServers.S3Client();
                    var listing = await client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = s3.Bucket, Prefix = s3.Prefix + folder });
                    return [.. (listing.S3Objects ?? []).Select(o => o.Key[s3.Prefix.Length..])];
                }
            case AzureBlobStorage azure:
                {
                    var keys = new List<string>();
                    var endpoint = StorageAddress.Parse(azure.Locator).Endpoint ?? StorageServers.AzureEndpoint;
                    await foreach (var blob in StorageServers.AzureContainerClient(endpoint).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, azure.Prefix + folder, default))
                    {
                        keys.Add(blob.Name[azure.Prefix.Length..]);
                    }
                    return keys;
                }
            default:
                throw new ArgumentException($"not a bucket: {storage.Locator}", nameof(storage));
        }
    }
}

/// <summary>The conformance list on the local backend with S3 storage.</summary>
public sealed class ConformanceTestsOnLocalAndS3() : ConformanceTests(BucketBackends.LocalOnS3);

/// <summary>The conformance list on the local backend with Azure Blob storage.</summary>
public sealed class ConformanceTestsOnLocalAndAzure() : ConformanceTests(BucketBackends.LocalOnAzure);

/// <summary>What a bucket adds to the conformance list: the client relays nothing, cleanup is exact, shipped packages load.</summary>
public abstract class BucketExecutorTests(Func<TestBackend> createBackend) : IAsyncLifetime
{
    private readonly TestBackend _backend = createBackend();

    private IBatchStorage Bucket => _backend.Backend.Storage;

    /// <summary>Whether the workers run from the tests' own folder (the local backend's do, and Docker's containers mount it).</summary>
    protected virtual bool WorkersRunFromTheTestsFolder => true;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Inputs_and_outputs_are_in_the_bucket_and_not_carried_by_the_client()
    {
        if (_backend.Backend is LocalBackend local)
        {
            Assert.True(local.PayloadsThroughStorage);
        }
        await using var bpe = new BatchPoolExecutor(backend: _backend.Backend, cleanupBucket: false);
        Assert.Equal(42, bpe.Submit(() => 6 * 7).Result());
        await bpe.ShutdownAsync();
        var folder = $"batch-pool-executor/{bpe.Name}/";
        var keys = await BucketBackends.KeysAsync(Bucket, folder);
        Assert.Single(keys, key => key.StartsWith(folder + "inputs/", StringComparison.Ordinal) && key.EndsWith("/input", StringComparison.Ordinal));
        Assert.Single(keys, key => key.StartsWith(folder + "outputs/", StringComparison.Ordinal) && key.EndsWith("/output", StringComparison.Ordinal));
        Assert.Contains(keys, key => key.StartsWith(folder + "assemblies/", StringComparison.Ordinal));
        // The probe's blob is gone.
        Assert.DoesNotContain(folder + "probe", keys);
        await Bucket.DeleteFolderAsync(folder);
    }

    [Fact]
    public async Task Cleanup_deletes_the_executor_prefix_and_nothing_beside_it()
    {
        string[] beside = ["batch-pool-executor/exact-other/inputs/x/input", "batch-pool-executor/exact.txt", "batch-pool-executor/exactly/x", "unrelated/blob"];
        foreach (var key in beside)
        {
            await Bucket.WriteAsync(key, "keep"u8.ToArray());
        }
        await using (var bpe = new BatchPoolExecutor(backend: _backend.Backend, name: "exact"))
        {
            Assert.Equal([0, 2, 4], bpe.Map(x => x * 2, [0, 1, 2]).ToList());
            await Bucket.WriteAsync("batch-pool-executor/exact/extra/blob", "x"u8.ToArray());
            Assert.NotEmpty(await BucketBackends.KeysAsync(Bucket, "batch-pool-executor/exact/inputs/"));
        }
        Assert.Empty(await BucketBackends.KeysAsync(Bucket, "batch-pool-executor/exact/"));
        foreach (var key in beside)
        {
            Assert.Equal(Convert.ToHexString("keep"u8), Hex(await Bucket.ReadAsync(key)));
        }
    }

    [Fact]
    public void A_NuGet_dependency_of_the_job_is_shipped_through_the_bucket()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        // CsCheck comes from NuGet, referenced by the tests and not by the worker: the job loads it from the bucket.
        var (name, context) = bpe.Submit(() =>
        {
            var assembly = typeof(CsCheck.Gen).Assembly;
            return (assembly.GetName().Name, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(assembly)?.Name);
        }).Result();
        Assert.Equal("CsCheck", name);
        Assert.Equal("BatchPool shipped code", context);
    }

    [Fact]
    public async Task A_shipped_assembly_found_beside_the_worker_is_not_read_from_the_bucket()
    {
        const string name = "beside-worker";
        await using (var first = new BatchPoolExecutor(name, _backend.Backend, cleanupBucket: false))
        {
            Assert.Equal(1, first.Submit(() => 1).Result(TimeSpan.FromMinutes(3)));
        }
        // The bucket's copies altered: a worker that reads them refuses the job (their hash is checked).
        var assemblies = await BucketBackends.KeysAsync(Bucket, $"batch-pool-executor/{name}/assemblies/");
        Assert.NotEmpty(assemblies);
        foreach (var key in assemblies)
        {
            await Bucket.WriteAsync(key, "altered"u8.ToArray());
        }
        await using var second = new BatchPoolExecutor(name, _backend.Backend);
        var future = second.Submit(() => 2);
        if (WorkersRunFromTheTestsFolder)
        {
            // The local workers and Docker's containers run from the tests' folder, where the same files are: they load those
            // (checked against the manifest's hashes too), not the bucket's.
            Assert.Equal(2, future.Result(TimeSpan.FromMinutes(3)));
        }
        else
        {
            Assert.Contains("does not match the hash", future.Exception(TimeSpan.FromMinutes(3))?.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void User_types_and_exceptions_travel_through_the_bucket()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var warehouse = bpe.Submit(() => new Warehouse("north", 3)).Result(TimeSpan.FromMinutes(3));
        Assert.Equal("north", warehouse.Name);
        var error = Assert.Throws<InvalidOperationException>(() => bpe.Submit(() => ThrowWith("from the bucket")).Result(TimeSpan.FromMinutes(3)));
        Assert.Equal("from the bucket", error.Message);
    }

    [Fact]
    public void A_large_argument_and_result_go_in_parts()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        // 24 MB each way: above the stores' 16 MiB threshold for parts.
        var data = new double[3_000_000];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = i * 0.5;
        }
        var back = bpe.Submit(() => data.Select(x => x + 1).ToArray()).Result(TimeSpan.FromMinutes(2));
        Assert.Equal(data.Length, back.Length);
        Assert.Equal(data[^1] + 1, back[^1]);
    }

    [Fact]
    public async Task A_result_missing_from_the_bucket_fails_its_future_by_name()
    {
        // The output is deleted from the (real) bucket between the job's end and the client's read.
        await using var tampered = new TamperedBackend(_backend.Backend, (storage, key) => storage.DeleteFolderAsync(key[..key.LastIndexOf('/')] + "/"));
        await using var bpe = new BatchPoolExecutor(backend: tampered);
        var error = Assert.Throws<BatchJobFailedException>(() => bpe.Submit(() => 1).Result(TimeSpan.FromMinutes(3)));
        Assert.Contains("did not write its output", error.Message, StringComparison.Ordinal);
        Assert.Contains(bpe.Name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_result_in_the_bucket_fails_its_future_by_name()
    {
        await using var tampered = new TamperedBackend(_backend.Backend, (storage, key) => storage.WriteAsync(key, "not a payload"u8.ToArray()));
        await using var bpe = new BatchPoolExecutor(backend: tampered);
        var error = Assert.Throws<BatchJobFailedException>(() => bpe.Submit(() => 1).Result(TimeSpan.FromMinutes(3)));
        Assert.Contains("wrote an output this client refuses", error.Message, StringComparison.Ordinal);
        Assert.Contains(bpe.Name, error.Message, StringComparison.Ordinal);
    }

    private static string Hex(byte[]? bytes) => bytes is null ? "(none)" : Convert.ToHexString(bytes);

    private static int ThrowWith(string message) => throw new InvalidOperationException(message);

    /// <summary>
    /// The same backend, whose client-side storage does something to a job's output in the real bucket just before the
    /// client reads it (what another program, or a lifecycle rule, could do).
    /// </summary>
    private sealed class TamperedBackend(IBatchBackend inner, Func<IBatchStorage, string, ValueTask> beforeOutputRead) : IBatchBackend
    {
        public IBatchStorage Storage { get; } = new TamperedStorage(inner.Storage, beforeOutputRead);

        public IBatchSession OpenSession(BatchSessionOptions options) => inner.OpenSession(options);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class TamperedStorage(IBatchStorage inner, Func<IBatchStorage, string, ValueTask> beforeOutputRead) : IBatchStorage
    {
        public string Locator => inner.Locator;

        public ValueTask WriteAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => inner.WriteAsync(key, data, cancellationToken);

        public ValueTask WriteAsync(string key, System.Buffers.ReadOnlySequence<byte> data, CancellationToken cancellationToken = default) => inner.WriteAsync(key, data, cancellationToken);

        public ValueTask WriteFileAsync(string key, string path, CancellationToken cancellationToken = default) => inner.WriteFileAsync(key, path, cancellationToken);

        public async ValueTask<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default)
        {
            if (key.EndsWith("/output", StringComparison.Ordinal))
            {
                await beforeOutputRead(inner, key);
            }
            return await inner.ReadAsync(key, cancellationToken);
        }

        public ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);

        public ValueTask DeleteFolderAsync(string prefix, CancellationToken cancellationToken = default) => inner.DeleteFolderAsync(prefix, cancellationToken);
    }
}

public sealed class BucketExecutorTestsOnS3() : BucketExecutorTests(BucketBackends.LocalOnS3);

public sealed class BucketExecutorTestsOnAzure() : BucketExecutorTests(BucketBackends.LocalOnAzure);
