using System.Diagnostics;

namespace BatchPool.Tests.Storage;

/// <summary>
/// A bucket an executor cannot use is an error at the executor's start (one probe write and delete), before any job is
/// submitted: its message names the bucket, the operation and what to set. Alone (no other test runs meanwhile): some
/// of these change a credential variable of this process for a moment.
/// </summary>
[Collection(BucketStartErrorCollection.Name)]
public sealed class BucketStartErrorTests
{
    [Fact]
    public async Task An_S3_bucket_that_does_not_exist()
    {
        _ = StorageServers.S3Address();
        await using var backend = new LocalBackend($"s3://no-such-bucket-{Guid.NewGuid():N}"[..40] + $"/tmp?endpoint={StorageServers.S3Endpoint}");
        var error = Assert.Throws<BatchStorageException>(() => new BatchPoolExecutor(backend: backend));
        Assert.True(error.Message.Contains("S3 bucket 'no-such-bucket-", StringComparison.Ordinal), error.Message);
        Assert.True(error.Message.Contains("write of 'batch-pool-executor/", StringComparison.Ordinal), error.Message);
        Assert.True(error.Message.Contains("the bucket does not exist", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public async Task An_Azure_container_that_does_not_exist()
    {
        _ = StorageServers.AzureAddress();
        await using var backend = new LocalBackend($"hail-az://{StorageServers.AzureAccount}/no-such-container/tmp");
        var error = Assert.Throws<BatchStorageException>(() => new BatchPoolExecutor(backend: backend));
        Assert.True(error.Message.Contains("Azure container 'no-such-container' of account 'devstoreaccount1'", StringComparison.Ordinal), error.Message);
        Assert.True(error.Message.Contains("the container does not exist", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public async Task A_server_that_does_not_answer()
    {
        // A port nothing listens on: the SDK's retries end, and the error names the bucket and says the server did not answer.
        await using var backend = new LocalBackend("s3://batchpool/tmp?endpoint=http://127.0.0.1:9");
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<BatchStorageException>(() => new BatchPoolExecutor(backend: backend));
        Assert.True(error.Message.Contains("S3 bucket 'batchpool'", StringComparison.Ordinal), error.Message);
        Assert.True(error.Message.Contains("the server did not answer", StringComparison.Ordinal), error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task An_Azure_prefix_without_write_permission()
    {
        // A read-and-list-only signature, as a connection string's: the probe's write is refused.
        var container = StorageServers.AzureContainerClient();
        _ = StorageServers.AzureAddress();
        var sas = container.GenerateSasUri(Azure.Storage.Sas.BlobContainerSasPermissions.Read | Azure.Storage.Sas.BlobContainerSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1));
        var readOnly = $"BlobEndpoint={StorageServers.AzureEndpoint};SharedAccessSignature={sas.Query.TrimStart('?')}";
        await using var backend = new LocalBackend(StorageServers.AzureAddress() + $"?endpoint={Uri.EscapeDataString(StorageServers.AzureEndpoint)}");
        var error = await WithVariable("AZURE_STORAGE_CONNECTION_STRING", readOnly, () => Assert.Throws<BatchStorageException>(() => new BatchPoolExecutor(backend: backend)));
        Assert.True(error.Message.Contains("write of 'batch-pool-executor/", StringComparison.Ordinal), error.Message);
        Assert.True(error.Message.Contains("access denied", StringComparison.Ordinal), error.Message);
        Assert.DoesNotContain(sas.Query.TrimStart('?'), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_S3_credentials()
    {
        await using var backend = new LocalBackend(StorageServers.S3Address());
        var error = await WithVariable("AWS_ACCESS_KEY_ID", "NOT-THE-KEY", () => Assert.Throws<BatchStorageException>(() => new BatchPoolExecutor(backend: backend)));
        Assert.True(error.Message.Contains("the credentials were refused", StringComparison.Ordinal), error.Message);
        Assert.True(error.Message.Contains("AWS_ACCESS_KEY_ID", StringComparison.Ordinal), error.Message);
        Assert.DoesNotContain("S3RVER", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_Azure_credentials()
    {
        await using var backend = new LocalBackend(StorageServers.AzureAddress());
        var wrongKey = StorageServers.AzuriteConnectionString().Replace(StorageServers.AzuriteKey, Convert.ToBase64String(new byte[64]), StringComparison.Ordinal);
        var error = await WithVariable("AZURE_STORAGE_CONNECTION_STRING", wrongKey, () => Assert.Throws<BatchStorageException>(() => new BatchPoolExecutor(backend: backend)));
        Assert.True(error.Message.Contains("the credentials were refused", StringComparison.Ordinal), error.Message);
        Assert.True(error.Message.Contains("AZURE_STORAGE_CONNECTION_STRING", StringComparison.Ordinal), error.Message);
    }

    /// <summary>
    /// Runs <paramref name="test"/> with a variable changed, in this process: only the client's probe reads it meanwhile
    /// (the tests of this collection run alone, one at a time, and no worker starts).
    /// </summary>
    private static async Task<T> WithVariable<T>(string name, string value, Func<T> test)
    {
        await Gate.WaitAsync();
        var before = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
        try
        {
            return test();
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, before);
            Gate.Release();
        }
    }

    private static readonly SemaphoreSlim Gate = new(1, 1);
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BucketStartErrorCollection
{
    public const string Name = "Bucket start errors (credential variables changed)";
}
