using BatchPool.Configuration;

namespace BatchPool.Backends.Local;

/// <summary>Makes a <see cref="LocalBackend"/> from settings (<c>BATCHPOOL_BACKEND=local</c>).</summary>
internal sealed class LocalBackendProvider : IBatchBackendProvider
{
    public IBatchBackend Create(SettingSource settings) => new LocalBackend(LocalBackendOptions.Read(settings));
}
