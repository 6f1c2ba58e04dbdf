using BatchPool.Storage;

namespace BatchPool.Docker;

/// <summary>The Docker session's preparation, once per session before its first container: the image, and the worker's place.</summary>
internal sealed partial class DockerSession
{
    /// <summary>The executor's folder: the worker was shipped to its <c>worker/</c>.</summary>
    private static string ExecutorFolderOf(string workerPath) => Path.GetDirectoryName(Path.GetDirectoryName(workerPath))!;

    /// <summary>
    /// How the session's containers run the worker. With a folder: the worker shipped into the executor's folder, which is
    /// mounted (and nothing else), without network. With a bucket: the worker's own folder on this machine (which holds the
    /// store's package too) mounted read-only, and the host's network, through which the workers reach the bucket; the
    /// jobs' data never passes through this machine's file system.
    /// </summary>
    private async Task<Preparation> WorkerPreparationAsync()
    {
        if (_storage is FileSystemStorage folder)
        {
            var key = await _options.Worker.ShipAsync(folder, _options.ExecutorName).ConfigureAwait(false);
            var workerPath = folder.PathOf(key);
            return new Preparation(workerPath, null, [ExecutorFolderOf(workerPath)], [], HostNetwork: false);
        }
        return new Preparation(_options.Worker.EntryAssemblyPath, null, [], [_options.Worker.Folder], HostNetwork: true);
    }

    private async Task<Preparation> PrepareAsync()
    {
        var image = _settings.Image;
        try
        {
            if (!await _outage.CallAsync(() => _engine.ImageExistsAsync(image, CancellationToken.None)).ConfigureAwait(false))
            {
                try
                {
                    await _outage.CallAsync(() => _engine.PullAsync(image, CancellationToken.None)).ConfigureAwait(false);
                }
                catch (ContainerEngineException e)
                {
                    return Preparation.Failed($"image '{image}' is not on the Docker engine at {_engine.Endpoint} and could not be pulled: {e.Message}.{Hint(image)}");
                }
                if (!await _outage.CallAsync(() => _engine.ImageExistsAsync(image, CancellationToken.None)).ConfigureAwait(false))
                {
                    return Preparation.Failed($"image '{image}' is not on the Docker engine at {_engine.Endpoint}, and pulling it did not bring it.{Hint(image)}");
                }
            }
            return await WorkerPreparationAsync().ConfigureAwait(false);
        }
        catch (ContainerEngineException e)
        {
            return Preparation.Failed(e.Message);
        }
#pragma warning disable CA1031 // Whatever stops the session's preparation is every job's failure, with its reason.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Preparation.Failed($"the worker could not be shipped to storage: {e.Message}");
        }
    }

    private static string Hint(string image) => image == DockerBackend.DefaultImage
        ? " BatchPool's default worker image is built on this machine by docker/build-worker-image.sh (see the README's Docker section)."
        : "";

    private sealed record Preparation(string? WorkerPath, string? Failure, IReadOnlyList<string> Mounts, IReadOnlyList<string> ReadOnlyMounts, bool HostNetwork)
    {
        public static Preparation Failed(string failure) => new(null, failure, [], [], false);
    }
}
