namespace BatchPool.Cli;

/// <summary>Where the tool looks for executors: a backend's kind and its storage folder.</summary>
/// <param name="Backend">local, slurm or docker.</param>
/// <param name="Folder">The storage folder, which holds <c>batch-pool-executor/</c>.</param>
/// <param name="Source">Where the choice came from, for messages.</param>
internal sealed record ToolRoot(string Backend, string Folder, string Source)
{
    public const string BackendVariable = "BATCHPOOL_BACKEND";

    private static readonly string[] Kinds = ["local", "slurm", "docker"];

    /// <summary>
    /// The root <paramref name="option"/> (<c>--root</c>) names, else <paramref name="environment"/>
    /// (<c>BATCHPOOL_BACKEND</c>), else the local backend's default folder: <c>local:ROOT</c>, <c>slurm:FOLDER</c>,
    /// <c>docker:FOLDER</c>, <c>local</c> or <c>docker</c> (their default folder), or a plain folder (local). A pure function.
    /// </summary>
    public static ToolRoot Resolve(string? option, string? environment, string temporaryFolder)
    {
        var (value, source) = !string.IsNullOrWhiteSpace(option) ? (option.Trim(), "--root")
            : !string.IsNullOrWhiteSpace(environment) ? (environment.Trim(), BackendVariable)
            : ("local", "the local backend's default");
        var defaultFolder = Path.Combine(temporaryFolder, "batchpool");
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var kind = (colon < 0 ? value : value[..colon]).ToLowerInvariant();
        if (!Kinds.Contains(kind))
        {
            if (colon < 0 || Path.IsPathRooted(value))
            {
                // A plain folder: the local backend's.
                return new ToolRoot("local", Path.GetFullPath(value), source);
            }
            throw new ToolException(ExitCodes.Usage, $"{source}='{value}' names no backend: use local:FOLDER, slurm:FOLDER or docker:FOLDER (or a folder).");
        }
        var folder = colon < 0 ? "" : value[(colon + 1)..].Trim();
        if (folder.Length == 0)
        {
            if (kind == "slurm")
            {
                throw new ToolException(ExitCodes.Usage, $"{source}='{value}': the Slurm backend has no default folder; name its shared folder: slurm:/shared/folder.");
            }
            folder = defaultFolder;
        }
        if (folder.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            folder = new Uri(folder).LocalPath;
        }
        return new ToolRoot(kind, Path.GetFullPath(folder), source);
    }

    /// <summary>What BATCHPOOL_BACKEND would say for this root (the doctor's executor uses it).</summary>
    public string BackendSetting => $"{Backend}:{Folder}";
}
