using System.Diagnostics;
using System.Globalization;

namespace BatchPool.Backends.Slurm;

/// <summary>What a Slurm cluster is asked to do: submit a job array, list jobs, cancel jobs.</summary>
/// <remarks>Behind an interface so that slurmrestd can take the command line's place.</remarks>
internal interface ISlurmClient
{
    /// <summary>
    /// Submits an array of <paramref name="taskCount"/> tasks: <paramref name="arguments"/> are sbatch's options, then the
    /// script and its arguments; <paramref name="environment"/> is added to what the jobs see. Returns the array's job id.
    /// </summary>
    /// <exception cref="SlurmSubmissionException">Slurm refused the job, with sbatch's words.</exception>
    Task<long> SubmitArrayAsync(int taskCount, int? maxRunning, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken);

    /// <summary>The tasks Slurm still lists of the given arrays, whatever their state.</summary>
    Task<IReadOnlyList<SlurmTaskStatus>> ListAsync(IReadOnlyCollection<long> arrayIds, CancellationToken cancellationToken);

    /// <summary>Cancels jobs or array tasks, by id ("12" or "12_3"); ids Slurm no longer knows are ignored.</summary>
    Task CancelAsync(IReadOnlyCollection<string> jobIds, CancellationToken cancellationToken);

    /// <summary>The CPUs of a partition (null: the default one), or null when Slurm does not say.</summary>
    Task<int?> CountCpusAsync(string? partition, CancellationToken cancellationToken);
}

/// <summary>One array task as squeue lists it.</summary>
/// <param name="ArrayId">The array's job id.</param>
/// <param name="Tasks">The indices of the tasks the record stands for: one, or several not yet started ("12_[4-99]").</param>
/// <param name="State">Slurm's state name (PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, ...).</param>
/// <param name="Reason">Slurm's reason for the state.</param>
/// <param name="Nodes">The nodes it ran on.</param>
/// <param name="WaitStatus">The batch script's raw wait status, as Slurm reports it (exit code times 256, or the signal).</param>
internal sealed record SlurmTaskStatus(long ArrayId, IReadOnlyList<int> Tasks, string State, string Reason, string Nodes, int WaitStatus);

/// <summary>Slurm refused a submission.</summary>
internal sealed class SlurmSubmissionException(string message) : Exception(message);

/// <summary>Slurm through its command-line tools: <c>sbatch</c>, <c>squeue</c>, <c>scancel</c>.</summary>
internal sealed class SlurmCommandLine(string? binFolder) : ISlurmClient
{
    public async Task<long> SubmitArrayAsync(int taskCount, int? maxRunning, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var (exitCode, output, error) = await RunAsync("sbatch", ["--parsable", ArraySpec(taskCount, maxRunning), .. arguments], environment, cancellationToken).ConfigureAwait(false);
        // --parsable prints "jobid" or "jobid;cluster".
        if (exitCode != 0 || !long.TryParse(output.Split(';')[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var arrayId))
        {
            throw new SlurmSubmissionException($"sbatch refused the job (exit code {exitCode}): {(error + output).Trim()}");
        }
        return arrayId;
    }

    /// <summary>sbatch's <c>--array</c>: tasks 0 to n-1, at most <paramref name="maxRunning"/> of them running at once (Slurm's <c>%</c>).</summary>
    internal static string ArraySpec(int taskCount, int? maxRunning) =>
        maxRunning is { } limit && limit < taskCount
            ? FormattableString.Invariant($"--array=0-{taskCount - 1}%{limit}")
            : FormattableString.Invariant($"--array=0-{taskCount - 1}");

    public async Task<IReadOnlyList<SlurmTaskStatus>> ListAsync(IReadOnlyCollection<long> arrayIds, CancellationToken cancellationToken)
    {
        if (arrayIds.Count == 0)
        {
            return [];
        }
        var (exitCode, output, error) = await RunAsync(
            "squeue", ["--noheader", "--states=all", $"--jobs={string.Join(',', arrayIds)}", SlurmSqueueOutput.FormatOption], null, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            // Every id of the list was forgotten (older than MinJobAge): squeue says "Invalid job id specified".
            return error.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase)
                ? []
                : throw new InvalidOperationException($"squeue failed (exit code {exitCode}): {error.Trim()}");
        }
        return SlurmSqueueOutput.ParseAll(output);
    }

    public async Task CancelAsync(IReadOnlyCollection<string> jobIds, CancellationToken cancellationToken)
    {
        if (jobIds.Count > 0)
        {
            // scancel reports ids it no longer knows on stderr and goes on with the rest: nothing to act on.
            await RunAsync("scancel", [.. jobIds], null, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<int?> CountCpusAsync(string? partition, CancellationToken cancellationToken)
    {
        try
        {
            var (exitCode, output, _) = await RunAsync("sinfo", ["--noheader", "--format=%P %C"], null, cancellationToken).ConfigureAwait(false);
            return exitCode == 0 ? CpusOf(output, partition) : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// The total of "%P %C" lines ("batch* 2/6/0/8": partition, the default one starred, then CPUs allocated/idle/other/total)
    /// for <paramref name="partition"/>, or for the default partition when null.
    /// </summary>
    internal static int? CpusOf(string sinfoOutput, string? partition)
    {
        int? total = null;
        foreach (var line in sinfoOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var counts = fields.Length == 2 ? fields[1].Split('/') : [];
            var matches = partition is null ? fields[0].EndsWith('*') : fields[0].TrimEnd('*') == partition;
            if (matches && counts.Length == 4 && int.TryParse(counts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var cpus))
            {
                total = (total ?? 0) + cpus;
            }
        }
        return total;
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string command, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(binFolder is null ? command : Path.Combine(binFolder, command))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"Slurm's '{command}' could not be started ({e.Message}): is this machine a Slurm submit host, with Slurm's commands on PATH?", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
        }
    }
}
