using BatchPool.Configuration;
using BatchPool.Docker;

namespace BatchPool;

/// <summary>
/// The settings of a <see cref="DockerBackend"/>. From configuration: the section <c>Docker</c> (e.g.
/// <c>BatchPool:Docker:MemoryPerJob</c>); from the environment: <c>BATCHPOOL_DOCKER_{OPTION}</c>
/// (<c>BATCHPOOL_DOCKER_MEMORY_PER_JOB</c>), with <c>BATCHPOOL_BACKEND=docker:FOLDER</c> for <see cref="RemoteTmpdir"/>.
/// </summary>
public sealed class DockerBackendOptions
{
    /// <summary>
    /// The folder (or <c>file://</c> URI) under which executors keep <c>batch-pool-executor/&lt;name&gt;/</c>, on the machine
    /// that runs the engine; by default <c>batchpool</c> in the system's temporary folder. Or a bucket
    /// (<c>s3://BUCKET/PREFIX</c>, an Azure Blob address): containers then run on the host's network and reach it
    /// themselves, with the credentials the executor passes them (<see cref="BatchPoolExecutorOptions.PassEnvironment"/>).
    /// </summary>
    public string? RemoteTmpdir { get; set; }

    /// <summary>The engine's address (<c>unix:///var/run/docker.sock</c>, <c>tcp://host:2375</c>); by default <c>DOCKER_HOST</c>, else the local socket.</summary>
    public string? DockerEndpoint { get; set; }

    /// <summary>How many containers of one executor run at once; by default the machine's cores divided by the executor's <c>cpusPerJob</c>.</summary>
    public int? MaxParallelJobs { get; set; }

    /// <summary>Each container's memory limit (<c>512m</c>, <c>2g</c>, <c>4Gi</c>); by default none.</summary>
    public string? MemoryPerJob { get; set; }

    /// <summary>Whether each parallel slot keeps one container and runs jobs in it (see <see cref="DockerBackend.ReuseContainers"/>). Default false.</summary>
    public bool ReuseContainers { get; set; }

    /// <summary>Throws <see cref="BatchPoolSettingException"/> for a value the backend cannot take, naming it as <paramref name="keyOf"/> does.</summary>
    internal void Validate(Func<string, string> keyOf)
    {
        Storage.StorageSelection.Check(RemoteTmpdir, keyOf(nameof(RemoteTmpdir)));
        _ = MemoryLimit(keyOf);
    }

    /// <summary>The memory limit in bytes, or null; throws as <see cref="Validate"/> does.</summary>
    internal long? MemoryLimit(Func<string, string> keyOf)
    {
        if (MaxParallelJobs is < 1)
        {
            throw new BatchPoolSettingException(keyOf(nameof(MaxParallelJobs)), MaxParallelJobs.ToString(), "at least one job must be able to run.");
        }
        if (MemoryPerJob is null)
        {
            return null;
        }
        const string Accepted = "an amount of memory of at least 6 MiB, such as 512m, 2g or 4Gi.";
        long bytes;
        try
        {
            bytes = MemorySize.Parse(MemoryPerJob);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new BatchPoolSettingException(keyOf(nameof(MemoryPerJob)), MemoryPerJob, Accepted, e);
        }
        return bytes >= MemorySize.Minimum ? bytes : throw new BatchPoolSettingException(keyOf(nameof(MemoryPerJob)), MemoryPerJob, Accepted);
    }

    /// <summary>The options <paramref name="settings"/> holds, over the defaults.</summary>
    internal static DockerBackendOptions Read(SettingSource settings)
    {
        var options = new DockerBackendOptions
        {
            RemoteTmpdir = settings.ReadText(nameof(RemoteTmpdir)),
            DockerEndpoint = settings.ReadText(nameof(DockerEndpoint)),
            MaxParallelJobs = settings.ReadPositiveInt(nameof(MaxParallelJobs)),
            MemoryPerJob = settings.ReadText(nameof(MemoryPerJob)),
            ReuseContainers = settings.ReadBool(nameof(ReuseContainers)) ?? false,
        };
        options.Validate(settings.KeyOf);
        return options;
    }
}
