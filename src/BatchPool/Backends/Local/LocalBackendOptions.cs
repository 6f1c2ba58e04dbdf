using BatchPool.Configuration;

namespace BatchPool;

/// <summary>
/// The settings of a <see cref="LocalBackend"/>. From configuration: the section <c>Local</c> (e.g.
/// <c>BatchPool:Local:MaxParallelJobs</c>); from the environment: <c>BATCHPOOL_LOCAL_{OPTION}</c>
/// (<c>BATCHPOOL_LOCAL_MAX_PARALLEL_JOBS</c>), with <c>BATCHPOOL_BACKEND=local:FOLDER</c> for <see cref="RemoteTmpdir"/>.
/// </summary>
public sealed class LocalBackendOptions
{
    /// <summary>
    /// The folder (or <c>file://</c> URI), or the bucket (<c>s3://BUCKET/PREFIX</c>,
    /// <c>https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX</c>, <c>hail-az://ACCOUNT/CONTAINER/PREFIX</c>), under which
    /// executors keep <c>batch-pool-executor/&lt;name&gt;/</c>; by default <c>batchpool</c> in the system's temporary folder.
    /// </summary>
    public string? RemoteTmpdir { get; set; }

    /// <summary>How many jobs of one executor run at once; by default the machine's cores divided by the executor's <c>cpusPerJob</c>.</summary>
    public int? MaxParallelJobs { get; set; }

    /// <summary>
    /// When true, every job's input and output go through storage as they do on remote backends (slower; useful to
    /// inspect payloads). Default false: they travel over the worker's pipes.
    /// </summary>
    public bool PayloadsThroughStorage { get; set; }

    /// <summary>How long spare and recycled workers wait for the next executor of this process. Default 60 seconds; zero keeps none.</summary>
    public TimeSpan SpareWorkerLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether an executor's idle workers are kept, after forgetting it, for the next executor of this process. Default true.</summary>
    public bool RecycleWorkers { get; set; } = true;

    /// <summary>Throws <see cref="BatchPoolSettingException"/> for a value the backend cannot take, naming it as <paramref name="keyOf"/> does.</summary>
    internal void Validate(Func<string, string> keyOf)
    {
        Storage.StorageSelection.Check(RemoteTmpdir, keyOf(nameof(RemoteTmpdir)));
        if (MaxParallelJobs is < 1)
        {
            throw new BatchPoolSettingException(keyOf(nameof(MaxParallelJobs)), MaxParallelJobs.ToString(), "at least one job must be able to run.");
        }
        if (SpareWorkerLifetime < TimeSpan.Zero)
        {
            throw new BatchPoolSettingException(keyOf(nameof(SpareWorkerLifetime)), SpareWorkerLifetime.ToString(), "a duration of zero or more.");
        }
    }

    /// <summary>The options <paramref name="settings"/> holds, over the defaults.</summary>
    internal static LocalBackendOptions Read(SettingSource settings)
    {
        var options = new LocalBackendOptions
        {
            RemoteTmpdir = settings.ReadText(nameof(RemoteTmpdir)),
            MaxParallelJobs = settings.ReadPositiveInt(nameof(MaxParallelJobs)),
        };
        options.PayloadsThroughStorage = settings.ReadBool(nameof(PayloadsThroughStorage)) ?? options.PayloadsThroughStorage;
        options.SpareWorkerLifetime = settings.ReadDuration(nameof(SpareWorkerLifetime), TimeSpan.FromSeconds(1)) ?? options.SpareWorkerLifetime;
        options.RecycleWorkers = settings.ReadBool(nameof(RecycleWorkers)) ?? options.RecycleWorkers;
        options.Validate(settings.KeyOf);
        return options;
    }
}
