namespace BatchPool.Configuration;

/// <summary>
/// Chooses a backend by name, so that a program moves from this machine to a cluster without a code change: the
/// <c>BATCHPOOL_BACKEND</c> variable (<c>local</c>, <c>local:FOLDER</c>, <c>slurm:SHARED-FOLDER</c>, <c>docker</c>,
/// <c>docker:FOLDER</c>) with each backend's <c>BATCHPOOL_{BACKEND}_{OPTION}</c> variables, or a configuration section.
/// A backend whose package the program does not reference is an error naming the package to add.
/// </summary>
internal static class BackendSelection
{
    public const string Variable = "BATCHPOOL_BACKEND";

    /// <summary>The backends a name may choose: the package that holds each, and its provider's type there.</summary>
    private static readonly (string Name, string Package, string Provider)[] Known =
    [
        ("local", "BatchPool", "BatchPool.Backends.Local.LocalBackendProvider"),
        ("slurm", "BatchPool.Slurm", "BatchPool.Backends.Slurm.SlurmBackendProvider"),
        ("docker", "BatchPool.Docker", "BatchPool.Docker.DockerBackendProvider"),
    ];

    /// <summary>The names <see cref="Create(string, string?, SettingSource?, string)"/> takes.</summary>
    public static IEnumerable<string> Names => Known.Select(known => known.Name);

    /// <summary>The backend the environment describes, or null when it describes none.</summary>
    public static IBatchBackend? FromEnvironment() => Create(Environment.GetEnvironmentVariable);

    /// <summary>The backend <paramref name="environment"/>'s <c>BATCHPOOL_BACKEND</c> describes, or null when it is unset.</summary>
    public static IBatchBackend? Create(Func<string, string?> environment)
    {
        if (environment(Variable) is not { Length: > 0 } setting)
        {
            return null;
        }
        var (name, folder) = Parse(setting);
        var options = SettingSource.Environment(name.ToUpperInvariant(), environment, Aliases(name));
        return Create(name, folder, options, $"{Variable}='{setting}'");
    }

    /// <summary>A <c>BATCHPOOL_BACKEND</c> value's backend name and folder (<c>slurm:/shared</c>), the folder null when absent.</summary>
    public static (string Name, string? Folder) Parse(string setting)
    {
        var colon = setting.IndexOf(':', StringComparison.Ordinal);
        var folder = colon < 0 ? null : setting[(colon + 1)..].Trim();
        return ((colon < 0 ? setting : setting[..colon]).Trim(), string.IsNullOrEmpty(folder) ? null : folder);
    }

    /// <summary>
    /// The backend called <paramref name="name"/>, with <paramref name="folder"/> (when given) as its <c>RemoteTmpdir</c>
    /// and its other options from <paramref name="settings"/>. <paramref name="setting"/> names where the name came from.
    /// </summary>
    public static IBatchBackend Create(string name, string? folder, SettingSource? settings, string setting)
    {
        var kind = name.Trim().ToLowerInvariant();
        var known = Known.FirstOrDefault(k => k.Name == kind);
        if (known.Name is null)
        {
            throw new BatchPoolSettingException(setting, name, $"the backend is one of {string.Join(", ", Names)} (local:FOLDER, slurm:SHARED-FOLDER, docker:FOLDER name the folder too).");
        }
        if (Type.GetType($"{known.Provider}, {known.Package}") is not { } providerType)
        {
            throw new BatchPoolSettingException(setting, name, $"the {kind} backend is in package {known.Package}, which this program does not reference: `dotnet add package {known.Package}`.");
        }
        var provider = (IBatchBackendProvider)Activator.CreateInstance(providerType, nonPublic: true)!;
        var source = settings ?? SettingSource.From(_ => null, option => option);
        if (!string.IsNullOrEmpty(folder))
        {
            source = source.Under(SettingSource.From(option => option == "RemoteTmpdir" ? folder : null, _ => setting));
        }
        return provider.Create(source);
    }

    /// <summary>Variables of earlier versions, still read.</summary>
    public static Dictionary<string, string>? Aliases(string name) => name.Trim().ToLowerInvariant() switch
    {
        "slurm" => new(StringComparer.Ordinal)
        {
            ["MemoryPerJob"] = "BATCHPOOL_SLURM_MEMORY",
            ["ExtraSbatchArgs"] = "BATCHPOOL_SLURM_SBATCH_ARGS",
            ["DotnetPath"] = "BATCHPOOL_SLURM_DOTNET",
        },
        _ => null,
    };
}
