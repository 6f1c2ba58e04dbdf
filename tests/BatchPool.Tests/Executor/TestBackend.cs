namespace BatchPool.Tests.Executor;

/// <summary>A real backend with storage in a folder of its own, disposed and its folder deleted when the test ends.</summary>
public sealed class TestBackend : IAsyncDisposable
{
    /// <summary>A local backend.</summary>
    public TestBackend(int? maxParallelJobs = null, bool payloadsThroughStorage = false)
        : this(root => new LocalBackend(root, maxParallelJobs) { PayloadsThroughStorage = payloadsThroughStorage })
    {
    }

    /// <summary>The backend <paramref name="create"/> makes over a fresh storage folder.</summary>
    public TestBackend(Func<string, IBatchBackend> create)
    {
        Root = Path.Combine(Path.GetTempPath(), "batchpool-tests", Guid.NewGuid().ToString("N")[..12]);
        Backend = create(Root);
    }

    public string Root { get; }

    public IBatchBackend Backend { get; }

    public string FolderOf(BatchPoolExecutor executor) => Path.Combine(Root, "batch-pool-executor", executor.Name);

    public async ValueTask DisposeAsync()
    {
        await Backend.DisposeAsync();

        // An executor shut down without waiting may still be finishing (writing a job, deleting its folder) after the
        // backend is gone: its writes can race this delete, so it is retried for a while.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(Root, recursive: true);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (IOException) when (attempt < 20)
            {
                await Task.Delay(100);
            }
        }
    }
}
