using BatchPool.Configuration;

namespace BatchPool.Docker;

/// <summary>Makes a <see cref="DockerBackend"/> from settings (<c>BATCHPOOL_BACKEND=docker</c>).</summary>
internal sealed class DockerBackendProvider : IBatchBackendProvider
{
    public IBatchBackend Create(SettingSource settings) => new DockerBackend(DockerBackendOptions.Read(settings));
}
