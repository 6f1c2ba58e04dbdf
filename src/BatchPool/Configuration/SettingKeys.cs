namespace BatchPool.Configuration;

/// <summary>How a setting given in code is named in errors: by the options class's property, or by the constructor's parameter.</summary>
internal static class SettingKeys
{
    /// <summary><c>TimeLimit</c> of <typeparamref name="TOptions"/> → <c>SlurmBackendOptions.TimeLimit</c>.</summary>
    public static Func<string, string> PropertyOf<TOptions>() => option => $"{typeof(TOptions).Name}.{option}";

    /// <summary>
    /// For the constructors that take settings one by one: <c>TimeLimit</c> → <c>timeLimit</c>, the parameter, for the
    /// options in <paramref name="parameters"/>; any other option by its property, as <see cref="PropertyOf{TOptions}"/>.
    /// </summary>
    public static Func<string, string> ParametersOf<TOptions>(params string[] parameters) =>
        option => parameters.Contains(option, StringComparer.Ordinal)
            ? char.ToLowerInvariant(option[0]) + option[1..]
            : $"{typeof(TOptions).Name}.{option}";
}
