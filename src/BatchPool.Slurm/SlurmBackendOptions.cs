using System.Text.RegularExpressions;
using BatchPool.Configuration;

namespace BatchPool;

/// <summary>
/// The settings of a <see cref="SlurmBackend"/>. From configuration: the section <c>Slurm</c> (e.g.
/// <c>BatchPool:Slurm:Partition</c>); from the environment: <c>BATCHPOOL_SLURM_{OPTION}</c>
/// (<c>BATCHPOOL_SLURM_TIME_LIMIT</c>), with <c>BATCHPOOL_BACKEND=slurm:FOLDER</c> for <see cref="RemoteTmpdir"/>.
/// </summary>
public sealed partial class SlurmBackendOptions
{
    /// <summary>
    /// A folder (or <c>file://</c> URI) that this machine and every compute node see at the same path, or a bucket
    /// (<c>s3://BUCKET/PREFIX</c>, an Azure Blob address) that they all reach, with <see cref="SharedFolder"/>. Required.
    /// </summary>
    public string? RemoteTmpdir { get; set; }

    /// <summary>
    /// With a bucket as <see cref="RemoteTmpdir"/>: the folder this machine and every node see at the same path, for the
    /// backend's own files (job scripts, job lists, status files, logs, the worker); the jobs' data stays in the bucket.
    /// By default <see cref="RemoteTmpdir"/> itself, which must then be a folder.
    /// </summary>
    public string? SharedFolder { get; set; }

    /// <summary>The partition to submit to (<c>--partition</c>); by default the cluster's default one.</summary>
    public string? Partition { get; set; }

    /// <summary>The account to charge (<c>--account</c>).</summary>
    public string? Account { get; set; }

    /// <summary>The quality of service (<c>--qos</c>).</summary>
    public string? Qos { get; set; }

    /// <summary>
    /// Each job's time limit (<c>--time</c>; Slurm counts whole minutes). From text: <c>90</c> (minutes), <c>2h</c>,
    /// <c>1-12:00:00</c>. By default the partition's.
    /// </summary>
    public TimeSpan? TimeLimit { get; set; }

    /// <summary>Each job's memory (<c>--mem</c>), in Slurm's notation: <c>512M</c>, <c>4G</c>. By default the cluster's.</summary>
    public string? MemoryPerJob { get; set; }

    /// <summary>More sbatch options, passed as they are (<c>--constraint=avx2</c>); from text, separated by spaces.</summary>
    public IList<string> ExtraSbatchArgs { get; set; } = [];

    /// <summary>The <c>dotnet</c> host on the compute nodes: a path, or a name looked up on the job's PATH. Default <c>dotnet</c>.</summary>
    public string DotnetPath { get; set; } = "dotnet";

    /// <summary>The folder of Slurm's commands on this machine, when they are not on PATH.</summary>
    public string? SlurmBinFolder { get; set; }

    /// <summary>
    /// The command that runs a program inside a container image on the nodes (see <see cref="SlurmBackend.ContainerLauncher"/>);
    /// from text, words separated by spaces. By default none: executors given an image are refused.
    /// </summary>
    public IList<string>? ContainerLauncher { get; set; }

    /// <summary>
    /// How many tasks of one job array (one <c>Submit</c> or <c>Map</c>) run at once (sbatch's <c>--array=0-N%K</c>); by
    /// default as many as the cluster schedules.
    /// </summary>
    public int? MaxParallelJobs { get; set; }

    /// <summary>The most array tasks a <c>Map</c> becomes (see <see cref="SlurmBackend.MaxArrayTasks"/>); by default from the partition's size.</summary>
    public int? MaxArrayTasks { get; set; }

    /// <summary>Throws <see cref="BatchPoolSettingException"/> for a value the backend cannot take, naming it as <paramref name="keyOf"/> does.</summary>
    internal void Validate(Func<string, string> keyOf)
    {
        if (string.IsNullOrWhiteSpace(RemoteTmpdir))
        {
            throw new BatchPoolSettingException(keyOf(nameof(RemoteTmpdir)), RemoteTmpdir, "the Slurm backend needs the folder it shares with the nodes (slurm:/shared/folder in BATCHPOOL_BACKEND).");
        }
        Storage.StorageSelection.Check(RemoteTmpdir, keyOf(nameof(RemoteTmpdir)));
        if (Storage.StorageSelection.IsBucket(RemoteTmpdir) && string.IsNullOrWhiteSpace(SharedFolder))
        {
            // Its job scripts, job lists, status files, logs and the worker live in a folder the nodes share.
            throw new BatchPoolSettingException(keyOf(nameof(SharedFolder)), SharedFolder,
                "with a bucket as RemoteTmpdir, the Slurm backend needs a folder it shares with the nodes for its job scripts, status files, logs and the worker.");
        }
        if (SharedFolder is not null && Storage.StorageSelection.IsBucket(SharedFolder))
        {
            throw new BatchPoolSettingException(keyOf(nameof(SharedFolder)), SharedFolder, "a folder (a path or file:// URI) that this machine and every node see at the same path.");
        }
        if (TimeLimit is { } limit && limit <= TimeSpan.Zero)
        {
            throw new BatchPoolSettingException(keyOf(nameof(TimeLimit)), limit.ToString(), "a positive duration.");
        }
        if (MemoryPerJob is not null && !MemoryNotation().IsMatch(MemoryPerJob))
        {
            throw new BatchPoolSettingException(keyOf(nameof(MemoryPerJob)), MemoryPerJob, "an amount in Slurm's notation, such as 512M or 4G.");
        }
        if (string.IsNullOrWhiteSpace(DotnetPath))
        {
            throw new BatchPoolSettingException(keyOf(nameof(DotnetPath)), DotnetPath, "a path or a command name, such as dotnet.");
        }
        if (MaxParallelJobs is < 1)
        {
            throw new BatchPoolSettingException(keyOf(nameof(MaxParallelJobs)), MaxParallelJobs.ToString(), "at least one job must be able to run.");
        }
        if (MaxArrayTasks is < 1)
        {
            throw new BatchPoolSettingException(keyOf(nameof(MaxArrayTasks)), MaxArrayTasks.ToString(), "a whole number of at least 1.");
        }
    }

    /// <summary>The options <paramref name="settings"/> holds, over the defaults.</summary>
    internal static SlurmBackendOptions Read(SettingSource settings)
    {
        var options = new SlurmBackendOptions
        {
            RemoteTmpdir = settings.ReadText(nameof(RemoteTmpdir)),
            SharedFolder = settings.ReadText(nameof(SharedFolder)),
            Partition = settings.ReadText(nameof(Partition)),
            Account = settings.ReadText(nameof(Account)),
            Qos = settings.ReadText(nameof(Qos)),
            TimeLimit = settings.ReadDuration(nameof(TimeLimit), TimeSpan.FromMinutes(1)),
            MemoryPerJob = settings.ReadText(nameof(MemoryPerJob)),
            SlurmBinFolder = settings.ReadText(nameof(SlurmBinFolder)),
            ContainerLauncher = settings.ReadWords(nameof(ContainerLauncher)),
            MaxArrayTasks = settings.ReadPositiveInt(nameof(MaxArrayTasks)),
            MaxParallelJobs = settings.ReadPositiveInt(nameof(MaxParallelJobs)),
        };
        options.ExtraSbatchArgs = settings.ReadWords(nameof(ExtraSbatchArgs)) ?? options.ExtraSbatchArgs;
        options.DotnetPath = settings.ReadText(nameof(DotnetPath)) ?? options.DotnetPath;
        options.Validate(settings.KeyOf);
        return options;
    }

    [GeneratedRegex(@"^[0-9]+[KMGT]?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MemoryNotation();
}
