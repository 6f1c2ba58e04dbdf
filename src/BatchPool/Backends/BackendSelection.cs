using System.Globalization;

namespace BatchPool.Backends;

/// <summary>
/// The backend an executor uses when the program names none: the one that <see cref="Variable"/> describes, so that a
/// program moves from this machine to a cluster without a code change. Values: <c>local</c> or <c>local:FOLDER</c>, and
/// <c>slurm:SHARED-FOLDER</c>, whose options come from <c>BATCHPOOL_SLURM_PARTITION</c>, <c>_ACCOUNT</c>, <c>_QOS</c>,
/// <c>_TIME_LIMIT</c> (minutes, or Slurm's <c>[D-]HH:MM:SS</c>), <c>_MEMORY</c> (<c>4G</c>), <c>_SBATCH_ARGS</c>
/// (space-separated) and <c>_DOTNET</c> (the <c>dotnet</c> on the nodes).
/// </summary>
internal static class BackendSelection
{
    public const string Variable = "BATCHPOOL_BACKEND";

    /// <summary>The backend the environment describes, or null when it describes none.</summary>
    public static IBatchBackend? FromEnvironment() => Create(Environment.GetEnvironmentVariable);

    public static IBatchBackend? Create(Func<string, string?> environment)
    {
        if (environment(Variable) is not { Length: > 0 } setting)
        {
            return null;
        }
        var colon = setting.IndexOf(':', StringComparison.Ordinal);
        var kind = (colon < 0 ? setting : setting[..colon]).Trim().ToLowerInvariant();
        var folder = colon < 0 ? null : setting[(colon + 1)..].Trim();
        switch (kind)
        {
            case "local":
                return new LocalBackend(string.IsNullOrEmpty(folder) ? null : folder);
            case "slurm" when !string.IsNullOrEmpty(folder):
                string? Option(string name) => environment("BATCHPOOL_SLURM_" + name) is { Length: > 0 } value ? value : null;
                return new SlurmBackend(
                    folder,
                    partition: Option("PARTITION"),
                    account: Option("ACCOUNT"),
                    qos: Option("QOS"),
                    timeLimit: Option("TIME_LIMIT") is { } limit ? ParseTimeLimit(limit) : null,
                    memoryPerJob: Option("MEMORY"),
                    extraSbatchArgs: Option("SBATCH_ARGS")?.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    DotnetPath = Option("DOTNET") ?? "dotnet",
                };
            case "slurm":
                throw new ArgumentException($"{Variable}='{setting}': the Slurm backend needs the folder it shares with the nodes, as slurm:/shared/folder.");
            default:
                throw new ArgumentException($"{Variable}='{setting}' names no backend this program has: use local, local:FOLDER or slurm:SHARED-FOLDER.");
        }
    }

    /// <summary>Minutes ("90"), or Slurm's "[D-]HH:MM:SS" ("1-12:00:00").</summary>
    private static TimeSpan ParseTimeLimit(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes))
        {
            return TimeSpan.FromMinutes(minutes);
        }
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var days = dash < 0 ? 0 : int.Parse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture);
        return TimeSpan.FromDays(days) + TimeSpan.ParseExact(text[(dash + 1)..], @"h\:mm\:ss", CultureInfo.InvariantCulture);
    }
}
