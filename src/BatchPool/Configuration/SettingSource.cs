using System.Text;

namespace BatchPool.Configuration;

/// <summary>
/// Where a group of settings (a backend's, the executor's) comes from: options set in code, environment variables, a
/// configuration section. A setting is asked for by its options property's name (<c>TimeLimit</c>); the source says how
/// its user wrote it (<c>BATCHPOOL_SLURM_TIME_LIMIT</c>, <c>BatchPool:Slurm:TimeLimit</c>), so that errors name that.
/// </summary>
internal abstract class SettingSource
{
    /// <summary>The setting's value as text, or null when it is not set.</summary>
    public abstract string? Get(string option);

    /// <summary>How the user names the setting.</summary>
    public abstract string KeyOf(string option);

    /// <summary>
    /// <c>BATCHPOOL_{GROUP}_{OPTION}</c> variables: <c>MaxParallelJobs</c> of group <c>LOCAL</c> is
    /// <c>BATCHPOOL_LOCAL_MAX_PARALLEL_JOBS</c>. <paramref name="aliases"/> keeps older names working (option → variable).
    /// </summary>
    public static SettingSource Environment(string group, Func<string, string?>? environment = null, IReadOnlyDictionary<string, string>? aliases = null) =>
        new EnvironmentSource(group, environment ?? System.Environment.GetEnvironmentVariable, aliases);

    /// <summary>Settings read by a function of their name, named as <paramref name="keyOf"/> says (a configuration section's keys).</summary>
    public static SettingSource From(Func<string, string?> get, Func<string, string> keyOf) => new FunctionSource(get, keyOf);

    /// <summary>This source, with <paramref name="overrides"/>' values first where it has them.</summary>
    public SettingSource Under(SettingSource overrides) => new LayeredSource(overrides, this);

    /// <summary>Upper snake case: <c>MaxParallelJobs</c> → <c>MAX_PARALLEL_JOBS</c>.</summary>
    internal static string SnakeCase(string option)
    {
        var text = new StringBuilder(option.Length + 4);
        for (var i = 0; i < option.Length; i++)
        {
            if (i > 0 && char.IsUpper(option[i]) && !char.IsUpper(option[i - 1]))
            {
                text.Append('_');
            }
            text.Append(char.ToUpperInvariant(option[i]));
        }
        return text.ToString();
    }

    private sealed class EnvironmentSource(string group, Func<string, string?> environment, IReadOnlyDictionary<string, string>? aliases) : SettingSource
    {
        public override string? Get(string option)
        {
            if (environment(KeyOf(option)) is { Length: > 0 } value)
            {
                return value;
            }
            return aliases is not null && aliases.TryGetValue(option, out var alias) && environment(alias) is { Length: > 0 } old ? old : null;
        }

        public override string KeyOf(string option) =>
            aliases is not null && aliases.TryGetValue(option, out var alias) && environment($"BATCHPOOL_{group}_{SnakeCase(option)}") is not { Length: > 0 } && environment(alias) is { Length: > 0 }
                ? alias
                : $"BATCHPOOL_{group}_{SnakeCase(option)}";
    }

    private sealed class FunctionSource(Func<string, string?> get, Func<string, string> keyOf) : SettingSource
    {
        public override string? Get(string option) => get(option) is { Length: > 0 } value ? value : null;

        public override string KeyOf(string option) => keyOf(option);
    }

    private sealed class LayeredSource(SettingSource first, SettingSource then) : SettingSource
    {
        public override string? Get(string option) => first.Get(option) ?? then.Get(option);

        public override string KeyOf(string option) => first.Get(option) is not null ? first.KeyOf(option) : then.KeyOf(option);
    }
}
