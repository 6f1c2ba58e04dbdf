using System.Globalization;

namespace BatchPool;

/// <summary>
/// The settings of one <c>Submit</c> call that differ from its executor's (<see cref="BatchPoolExecutorOptions"/>), given
/// after the function's arguments: <c>bpe.Submit(Train, data, new SubmitOptions { MaxAttempts = 5 })</c>. An object of
/// its own rather than a plain number, because <c>Submit</c> takes the function's arguments by position: a number there
/// would bind as a setting where an argument was forgotten. (<c>Map</c>, whose items come as sequences, takes the same
/// setting as the named parameter <c>maxAttempts</c>.) Checked as it is set.
/// </summary>
public sealed class SubmitOptions
{
    private readonly int? _maxAttempts;

    /// <summary>
    /// How many times the job may run in all when it is lost to the infrastructure (see
    /// <see cref="BatchPoolExecutorOptions.MaxAttempts"/>); at least 1 (1: never run again). Null: the executor's.
    /// </summary>
    /// <exception cref="BatchPoolSettingException">Set below 1.</exception>
    public int? MaxAttempts
    {
        get => _maxAttempts;
        init => _maxAttempts = value is < 1
            ? throw new BatchPoolSettingException($"{nameof(SubmitOptions)}.{nameof(MaxAttempts)}", value.Value.ToString(CultureInfo.InvariantCulture),
                "at least 1 (1: a job lost to the infrastructure is not run again), or null for the executor's MaxAttempts.")
            : value;
    }
}
