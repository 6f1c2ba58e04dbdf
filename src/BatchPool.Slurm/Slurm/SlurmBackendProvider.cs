using BatchPool.Configuration;

namespace BatchPool.Backends.Slurm;

/// <summary>Makes a <see cref="SlurmBackend"/> from settings (<c>BATCHPOOL_BACKEND=slurm:FOLDER</c>).</summary>
internal sealed class SlurmBackendProvider : IBatchBackendProvider
{
    public IBatchBackend Create(SettingSource settings) => new SlurmBackend(SlurmBackendOptions.Read(settings));
}
