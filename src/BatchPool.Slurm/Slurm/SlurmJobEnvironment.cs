namespace BatchPool.Backends.Slurm;

/// <summary>
/// Which of the client's environment variables a Slurm job gets. sbatch exports the whole environment by default; a job
/// gets only what its script and worker need to start, and the session's job environment (the variables listed in
/// <c>PassEnvironment</c>, the thread limits, the payloads' secret), as a container of the Docker backend gets only the
/// latter (its image supplies the rest). Slurm adds its own <c>SLURM_*</c> variables whatever is asked.
/// </summary>
internal static class SlurmJobEnvironment
{
    /// <summary>
    /// What the job script and the worker take from the client, when set there: <c>PATH</c> (the script's commands, and
    /// <c>dotnet</c> when named rather than a path), <c>HOME</c> (the runtime's per-user folders) and <c>DOTNET_ROOT</c>
    /// (a runtime installed outside the default places).
    /// </summary>
    public static readonly IReadOnlyList<string> WorkerNeeds = ["PATH", "HOME", "DOTNET_ROOT"];

    /// <summary>
    /// sbatch's <c>--export</c> for a job whose own variables are <paramref name="jobVariables"/>: names only, so that
    /// sbatch takes the values from its own environment (where the session puts them) and no value (the secret) is
    /// ever on a command line.
    /// </summary>
    /// <param name="jobVariables">The names of the session's job environment.</param>
    /// <param name="isSetHere">Whether a variable is set in this process (a worker need that is not is left out).</param>
    /// <exception cref="ArgumentException">A name holds a comma, which <c>--export</c> would read as two names.</exception>
    public static string ExportOption(IEnumerable<string> jobVariables, Func<string, bool> isSetHere)
    {
        ArgumentNullException.ThrowIfNull(jobVariables);
        ArgumentNullException.ThrowIfNull(isSetHere);
        var names = WorkerNeeds.Where(isSetHere).Concat(jobVariables).Distinct(StringComparer.Ordinal).ToList();
        if (names.FirstOrDefault(name => name.Contains(',', StringComparison.Ordinal)) is { } bad)
        {
            throw new ArgumentException($"The environment variable name '{bad}' holds a comma: sbatch's --export cannot pass it to Slurm jobs.", nameof(jobVariables));
        }
        // NONE still gives the job Slurm's own variables.
        return names.Count == 0 ? "--export=NONE" : "--export=" + string.Join(',', names);
    }
}
