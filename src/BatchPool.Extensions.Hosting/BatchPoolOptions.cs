using BatchPool.Configuration;
using Microsoft.Extensions.Configuration;

namespace BatchPool;

/// <summary>
/// BatchPool's settings in a service container (<c>services.AddBatchPool(...)</c>): which backend runs the jobs, with its
/// options, and the defaults of every executor that <see cref="BatchPoolExecutorFactory"/> creates.
/// </summary>
/// <remarks>
/// From a configuration section (say <c>BatchPool</c>): <c>Backend</c>, <c>MaxParallelJobs</c>, <c>RemoteTmpdir</c>, the
/// executor's <c>Name</c>, <c>Image</c>, <c>CpusPerJob</c>, <c>WaitOnExit</c>, <c>CleanupBucket</c> and <c>Project</c>, and
/// each backend's own options in a section named after it (<c>BatchPool:Slurm:Partition</c>,
/// <c>BatchPool:Docker:MemoryPerJob</c>). An option the section does not set comes from its <c>BATCHPOOL_{BACKEND}_{OPTION}</c>
/// variable, else its default.
/// </remarks>
public sealed class BatchPoolOptions
{
    /// <summary>
    /// The backend: <c>local</c>, <c>slurm</c> or <c>docker</c> (its package referenced). By default the one
    /// <c>BATCHPOOL_BACKEND</c> names, else <c>local</c>.
    /// </summary>
    public string? Backend { get; set; }

    /// <summary>How many jobs run at once (of one executor on the local and Docker backends; of one job array on Slurm); by default the backend's own.</summary>
    public int? MaxParallelJobs { get; set; }

    /// <summary>The backend's storage folder; by default the backend's own (required for Slurm).</summary>
    public string? RemoteTmpdir { get; set; }

    /// <summary>The defaults of the executors the factory creates (their <see cref="BatchPoolExecutorOptions.Backend"/> is the registered one).</summary>
    public BatchPoolExecutorOptions Executor { get; } = new();

    /// <summary>Makes the backend in code instead (<c>sp =&gt; new SlurmBackend(new SlurmBackendOptions { ... })</c>); the settings above are then not used for it.</summary>
    public Func<IServiceProvider, IBatchBackend>? BackendFactory { get; set; }

    /// <summary>The section these options were read from, whose subsections hold each backend's options.</summary>
    internal IConfiguration? Section { get; private set; }

    /// <summary>Reads the settings <paramref name="section"/> holds; a value that does not parse names its key.</summary>
    internal void ReadFrom(IConfiguration section)
    {
        Section = section;
        var settings = SourceOf(section);
        Backend = settings.ReadText(nameof(Backend)) ?? Backend;
        MaxParallelJobs = settings.ReadPositiveInt(nameof(MaxParallelJobs)) ?? MaxParallelJobs;
        RemoteTmpdir = settings.ReadText(nameof(RemoteTmpdir)) ?? RemoteTmpdir;
        Executor.Read(settings);
    }

    /// <summary>A configuration section's values as settings named by their full keys (<c>BatchPool:Slurm:TimeLimit</c>).</summary>
    internal static SettingSource SourceOf(IConfiguration section) =>
        SettingSource.From(key => section[key], key => section is IConfigurationSection { Path: { Length: > 0 } path } ? $"{path}:{key}" : key);
}
