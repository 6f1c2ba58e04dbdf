using BatchPool.Storage;

namespace BatchPool.Tests.Storage;

/// <summary>A folder's locator, as a worker receives it, opens the same folder; files are stored whole.</summary>
public sealed class FileSystemStorageTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("batchpool-storage-");

    public void Dispose() => _root.Delete(recursive: true);

    [Theory]
    [InlineData("plain")]
    [InlineData("Plain-2_x.y~z")]
    [InlineData("with space")]
    [InlineData("per%25cent")]
    [InlineData("hash#and?question")]
    [InlineData("ünïcödé")]
    public async Task A_locator_opens_the_folder_it_was_made_from(string name)
    {
        var folder = Path.Combine(_root.FullName, name);
        var client = new FileSystemStorage(folder);
        await client.WriteAsync("a/b", new byte[] { 1, 2, 3 });

        var worker = StorageLocator.Open(client.Locator);

        Assert.Equal(new Uri(folder + Path.DirectorySeparatorChar).AbsoluteUri, client.Locator);
        Assert.Equal(folder, Path.TrimEndingDirectorySeparator(((FileSystemStorage)worker).RootPath));
        Assert.Equal(new byte[] { 1, 2, 3 }, await worker.ReadAsync("a/b"));
    }

    [Fact]
    public void A_plain_path_is_a_root_too()
    {
        var folder = Path.Combine(_root.FullName, "by-path");

        Assert.Equal(folder, ((FileSystemStorage)StorageLocator.Open(folder)).RootPath);
    }

    [Fact]
    public async Task A_stored_file_replaces_the_blob_whole_and_leaves_nothing_beside_it()
    {
        var storage = new FileSystemStorage(Path.Combine(_root.FullName, "files"));
        var source = Path.Combine(_root.FullName, "source.bin");
        var bytes = new byte[300_000];
        Random.Shared.NextBytes(bytes);
        await File.WriteAllBytesAsync(source, bytes);
        await storage.WriteAsync("x/assembly", new byte[] { 9, 9 });

        await storage.WriteFileAsync("x/assembly", source);

        Assert.Equal(bytes, await storage.ReadAsync("x/assembly"));
        Assert.Equal(["assembly"], Directory.GetFiles(Path.Combine(storage.RootPath, "x")).Select(Path.GetFileName));
        // A copy, not a link: the stored blob stays as it was when the source changes afterwards (a rebuild).
        await File.WriteAllBytesAsync(source, new byte[] { 1 });
        Assert.Equal(bytes, await storage.ReadAsync("x/assembly"));
        await Assert.ThrowsAsync<FileNotFoundException>(async () => await storage.WriteFileAsync("x/missing", Path.Combine(_root.FullName, "none.bin")));
    }
}
