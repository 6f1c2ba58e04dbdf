namespace BatchPool.Configuration;

/// <summary>How a setting given in code is named in errors: by the options class's property, or by the constructor's parameter.</summary>
internal static class SettingKeys
{
    /// <summary><c>TimeLimit</c> of <typeparamref name="TOptions"/> → <c>SlurmBackendOptions.TimeLimit</c>.</summary>
    public static Func<string, string> PropertyOf<TOptions>() => option => $"{typeof(TOptions).Name}.{option}";

    /// <summary><c>TimeLimit</c> → <c>timeLimit</c>, the parameter of the constructors that take settings one by one.</summary>
    public static string Parameter(string option) => option.Length == 0 ? option : char.ToLowerInvariant(option[0]) + option[1..];
}
