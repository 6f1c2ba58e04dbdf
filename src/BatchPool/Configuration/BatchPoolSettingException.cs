namespace BatchPool;

/// <summary>
/// A setting of BatchPool has a value it cannot take. The message names the setting as it was given (an options
/// property, a configuration key or an environment variable), the value, and what is accepted.
/// </summary>
public sealed class BatchPoolSettingException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="setting">The setting: <c>SlurmBackendOptions.TimeLimit</c>, <c>BatchPool:Slurm:TimeLimit</c>, <c>BATCHPOOL_SLURM_TIME_LIMIT</c>.</param>
    /// <param name="value">The value given, as text.</param>
    /// <param name="accepted">What the setting accepts, as a sentence.</param>
    /// <param name="innerException">The error that rejected the value, if any.</param>
    public BatchPoolSettingException(string setting, string? value, string accepted, Exception? innerException = null)
        : base($"{setting} = '{value}' is not accepted: {accepted}", setting, innerException)
    {
        Setting = setting;
        Value = value;
    }

    /// <summary>The setting, as it was given.</summary>
    public string Setting { get; }

    /// <summary>The value given, as text.</summary>
    public string? Value { get; }
}
