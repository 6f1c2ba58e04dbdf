using System.Buffers;
using System.Security.Cryptography;
using BatchPool.Storage;
using BatchPool.Storage.Azure;
using BatchPool.Storage.S3;

namespace BatchPool.Tests.Storage;

/// <summary>What every store must do, on a folder, on S3 (s3rver) and on Azure Blob (Azurite).</summary>
public abstract class StorageConformanceTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("batchpool-storage-").FullName;

    /// <summary>The store under test, at a fresh prefix.</summary>
    protected abstract IBatchStorage Storage { get; }

    private static string Hex(byte[]? bytes) => bytes is null ? "(none)" : Convert.ToHexString(bytes);

    public void Dispose()
    {
        Directory.Delete(_scratch, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_blob_reads_back_as_written_and_a_write_replaces_it()
    {
        await Storage.WriteAsync("a/b/blob", "first"u8.ToArray());
        Assert.Equal(Convert.ToHexString("first"u8), Hex(await Storage.ReadAsync("a/b/blob")));
        await Storage.WriteAsync("a/b/blob", "second, longer"u8.ToArray());
        Assert.Equal(Convert.ToHexString("second, longer"u8), Hex(await Storage.ReadAsync("a/b/blob")));
    }

    [Fact]
    public async Task An_empty_blob_is_a_blob()
    {
        await Storage.WriteAsync("empty", ReadOnlyMemory<byte>.Empty);
        Assert.Equal("", Hex(await Storage.ReadAsync("empty")));
        Assert.True(await Storage.ExistsAsync("empty"));
    }

    [Fact]
    public async Task A_missing_blob_reads_as_null_and_does_not_exist()
    {
        Assert.Null(await Storage.ReadAsync("nothing/here"));
        Assert.False(await Storage.ExistsAsync("nothing/here"));
        await Storage.WriteAsync("something/here", "x"u8.ToArray());
        Assert.True(await Storage.ExistsAsync("something/here"));
    }

    [Fact]
    public async Task Segments_are_stored_in_order_as_one_blob()
    {
        var head = RandomNumberGenerator.GetBytes(300);
        var payload = RandomNumberGenerator.GetBytes(70_000);
        await Storage.WriteAsync("job/input", BatchPool.Worker.JobFile.Compose(head, payload));
        Assert.Equal(Convert.ToHexString([.. head, .. payload]), Hex(await Storage.ReadAsync("job/input")));
    }

    [Fact]
    public async Task A_big_blob_and_a_big_file_go_in_parts_and_read_back_whole()
    {
        // Above every store's threshold for parts (16 MiB), and not a whole number of parts.
        var big = RandomNumberGenerator.GetBytes((20 << 20) + 12_345);
        await Storage.WriteAsync("big/from-memory", new ReadOnlySequence<byte>(big));
        var fromMemory = await Storage.ReadAsync("big/from-memory");
        Assert.True(fromMemory is not null && big.AsSpan().SequenceEqual(fromMemory));

        var file = Path.Combine(_scratch, "big.bin");
        await File.WriteAllBytesAsync(file, big);
        await Storage.WriteFileAsync("big/from-file", file);
        var fromFile = await Storage.ReadAsync("big/from-file");
        Assert.True(fromFile is not null && big.AsSpan().SequenceEqual(fromFile));
    }

    [Fact]
    public async Task A_small_file_is_stored()
    {
        var file = Path.Combine(_scratch, "small.dll");
        await File.WriteAllBytesAsync(file, [1, 2, 3]);
        await Storage.WriteFileAsync("assemblies/small.dll", file);
        Assert.Equal("010203", Hex(await Storage.ReadAsync("assemblies/small.dll")));
    }

    [Fact]
    public async Task Deleting_a_folder_deletes_its_keys_and_nothing_beside_it()
    {
        string[] inside = ["exec/a/inputs/1/input", "exec/a/outputs/1/output", "exec/a/assemblies/x.dll"];
        string[] beside = ["exec/ab/inputs/1/input", "exec/a-other/x", "exec/b/a/x", "exec/a.txt"];
        foreach (var key in inside.Concat(beside))
        {
            await Storage.WriteAsync(key, "x"u8.ToArray());
        }
        await Storage.DeleteFolderAsync("exec/a/");
        foreach (var key in inside)
        {
            Assert.False(await Storage.ExistsAsync(key), key);
        }
        foreach (var key in beside)
        {
            Assert.True(await Storage.ExistsAsync(key), key);
        }
        // Deleting nothing is no error.
        await Storage.DeleteFolderAsync("exec/a/");
        await Storage.DeleteFolderAsync("never/written/");
    }

    [Fact]
    public async Task A_worker_opens_the_store_from_its_locator()
    {
        await Storage.WriteAsync("shared/blob", "from the client"u8.ToArray());
        var worker = StorageLocator.Open(Storage.Locator);
        Assert.Equal(Storage.Locator, worker.Locator);
        Assert.Equal(Convert.ToHexString("from the client"u8), Hex(await worker.ReadAsync("shared/blob")));
        await worker.WriteAsync("shared/answer", "from the worker"u8.ToArray());
        Assert.Equal(Convert.ToHexString("from the worker"u8), Hex(await Storage.ReadAsync("shared/answer")));
    }

    [Fact]
    public async Task Many_writes_and_reads_at_once()
    {
        var keys = Enumerable.Range(0, 64).Select(i => $"many/{i}").ToList();
        await Parallel.ForEachAsync(keys, async (key, ct) => await Storage.WriteAsync(key, System.Text.Encoding.UTF8.GetBytes(key), ct));
        var read = await Task.WhenAll(keys.Select(async key => System.Text.Encoding.UTF8.GetString((await Storage.ReadAsync(key))!)));
        Assert.Equal(keys, read);
    }
}

public sealed class FolderStorageConformanceTests : StorageConformanceTests
{
    protected override IBatchStorage Storage { get; } = StorageSelection.Open(Path.Combine(Path.GetTempPath(), "batchpool-tests", Guid.NewGuid().ToString("N")[..12]), "test");
}

public sealed class S3StorageConformanceTests : StorageConformanceTests
{
    protected override IBatchStorage Storage { get; } = StorageSelection.Open(StorageServers.S3Address(), "test");

    [Fact]
    public void The_address_chooses_the_S3_store()
    {
        var s3 = Assert.IsType<S3Storage>(Storage);
        Assert.Equal(StorageServers.S3Bucket, s3.Bucket);
        Assert.StartsWith("tests/", s3.Prefix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_of_more_keys_than_one_delete_request_takes_is_deleted_whole()
    {
        var keys = Enumerable.Range(0, 1003).Select(i => $"crowd/k{i}").ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (key, ct) => await Storage.WriteAsync(key, "x"u8.ToArray(), ct));
        await Storage.WriteAsync("crowded-beside", "x"u8.ToArray());
        await Storage.DeleteFolderAsync("crowd/");
        Assert.False(await Storage.ExistsAsync("crowd/k0"));
        Assert.False(await Storage.ExistsAsync("crowd/k1002"));
        Assert.True(await Storage.ExistsAsync("crowded-beside"));
    }
}

public sealed class AzureStorageConformanceTests : StorageConformanceTests
{
    protected override IBatchStorage Storage { get; } = StorageSelection.Open(StorageServers.AzureAddress(), "test");

    [Fact]
    public void The_address_chooses_the_Azure_store()
    {
        var azure = Assert.IsType<AzureBlobStorage>(Storage);
        Assert.Equal(StorageServers.AzureAccount, azure.Account);
        Assert.Equal(StorageServers.AzureContainer, azure.Container);
    }
}
