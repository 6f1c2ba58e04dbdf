using BatchPool.Configuration;

namespace BatchPool;

/// <summary>Makes the backend that <see cref="BatchPoolOptions"/> describe.</summary>
internal static class BatchPoolBackendFactory
{
    public static IBatchBackend Create(BatchPoolOptions options, IServiceProvider services)
    {
        if (options.BackendFactory is { } factory)
        {
            return factory(services);
        }
        string name, setting;
        string? folder = null;
        if (options.Backend is { Length: > 0 } configured)
        {
            (name, setting) = (configured, options.Section is null ? $"{nameof(BatchPoolOptions)}.{nameof(BatchPoolOptions.Backend)}" : BatchPoolOptions.SourceOf(options.Section).KeyOf(nameof(BatchPoolOptions.Backend)));
        }
        else if (Environment.GetEnvironmentVariable(BackendSelection.Variable) is { Length: > 0 } variable)
        {
            (name, folder) = BackendSelection.Parse(variable);
            setting = $"{BackendSelection.Variable}='{variable}'";
        }
        else
        {
            (name, setting) = ("local", $"{nameof(BatchPoolOptions)}.{nameof(BatchPoolOptions.Backend)}");
        }
        // The options' own values first, then the backend's section, then its environment variables.
        var settings = SettingSource.Environment(name.Trim().ToUpperInvariant(), aliases: BackendSelection.Aliases(name));
        if (options.Section?.GetSection(Capitalized(name)) is { } section)
        {
            settings = settings.Under(BatchPoolOptions.SourceOf(section));
        }
        settings = settings.Under(SettingSource.From(
            option => option switch
            {
                nameof(BatchPoolOptions.MaxParallelJobs) => options.MaxParallelJobs?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                nameof(BatchPoolOptions.RemoteTmpdir) => options.RemoteTmpdir,
                _ => null,
            },
            option => options.Section is { } top ? BatchPoolOptions.SourceOf(top).KeyOf(option) : $"{nameof(BatchPoolOptions)}.{option}"));
        return BackendSelection.Create(name, folder, settings, setting);
    }

    /// <summary>A backend's section is its name capitalized: <c>Slurm</c> (configuration keys are case-insensitive anyway).</summary>
    private static string Capitalized(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..].ToLowerInvariant();
}
