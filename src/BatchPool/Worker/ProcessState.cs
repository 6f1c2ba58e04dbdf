using System.Collections;
using System.Globalization;

namespace BatchPool.Worker;

/// <summary>
/// What of a worker process an executor's code may change and the next executor's code would meet: its environment,
/// working directory and cultures. Captured before the first executor; a recycled worker serves another executor only as
/// it was then.
/// </summary>
internal sealed class ProcessState
{
    private readonly Dictionary<string, string> _environment;
    private readonly string _directory;
    private readonly CultureInfo _culture;
    private readonly CultureInfo _uiCulture;

    private ProcessState()
    {
        _environment = EnvironmentNow();
        _directory = Environment.CurrentDirectory;
        _culture = CultureInfo.CurrentCulture;
        _uiCulture = CultureInfo.CurrentUICulture;
    }

    /// <summary>The process as it is now.</summary>
    public static ProcessState Capture() => new();

    /// <summary>
    /// Puts back the calling thread's and new threads' cultures (which jobs may set for themselves); null when the rest is
    /// as captured, else what changed.
    /// </summary>
    public string? ChangesSince()
    {
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
        CultureInfo.DefaultThreadCurrentCulture = null;
        CultureInfo.DefaultThreadCurrentUICulture = null;
        if (Environment.CurrentDirectory != _directory)
        {
            return $"its working directory changed ({_directory} -> {Environment.CurrentDirectory})";
        }
        var now = EnvironmentNow();
        foreach (var (name, value) in _environment)
        {
            if (!now.TryGetValue(name, out var current) || current != value)
            {
                // Names only: values may be secrets, and the log is kept.
                return $"its environment variable {name} was changed or removed";
            }
        }
        if (now.Count != _environment.Count)
        {
            return $"environment variables were added ({string.Join(", ", now.Keys.Where(name => !_environment.ContainsKey(name)))})";
        }
        return null;
    }

    private static Dictionary<string, string> EnvironmentNow()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            variables[(string)variable.Key] = (string?)variable.Value ?? "";
        }
        return variables;
    }
}
