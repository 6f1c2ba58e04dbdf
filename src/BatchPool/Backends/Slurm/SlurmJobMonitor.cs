using System.Globalization;
using BatchPool.Worker;

namespace BatchPool.Backends.Slurm;

/// <summary>An array task the monitor watches until it ends.</summary>
internal sealed record SlurmTrackedTask(BatchJob Job, long ArrayId, int Task, string LogPath, string StatusPath);

/// <summary>
/// Watches every job a <see cref="SlurmBackend"/> submitted, with one <c>squeue</c> for all of them per round: quick rounds
/// while things change or jobs were just submitted or cancelled, backing off to <see cref="SlowestRound"/> while nothing
/// does. A job's status file (its exit code, written by the job script) ends it as soon as it appears; <c>squeue</c>
/// catches what a status file cannot tell: a job killed for its memory or time limit, cancelled, or lost with its node.
/// </summary>
internal sealed class SlurmJobMonitor : IAsyncDisposable
{
    private static readonly TimeSpan QuickestRound = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan SlowestRound = TimeSpan.FromSeconds(2);

    /// <summary>Rounds in a row in which squeue must not list an array before its unfinished tasks count as lost.</summary>
    private const int RoundsBeforeLost = 3;

    private const int LogTailLines = 30;

    private readonly ISlurmClient _slurm;
    private readonly Dictionary<(long ArrayId, int Task), SlurmTrackedTask> _tracked = [];
    private readonly Dictionary<long, int> _roundsUnlisted = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _rounds;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SlurmJobMonitor(ISlurmClient slurm)
    {
        _slurm = slurm;
        _rounds = Task.Run(RunRoundsAsync);
    }

    /// <summary>The last error of a round (squeue failing, say), for the errors of jobs that end because of it.</summary>
    public string? LastRoundError { get; private set; }

    public void Track(IEnumerable<SlurmTrackedTask> tasks)
    {
        lock (_gate)
        {
            foreach (var task in tasks)
            {
                _tracked[(task.ArrayId, task.Task)] = task;
            }
        }
        Wake();
    }

    /// <summary>Asks for a round now: jobs were submitted or cancelled.</summary>
    public void Wake()
    {
        lock (_gate)
        {
            _wake.TrySetResult();
        }
    }

    /// <summary>
    /// A status file appeared: a start mark makes its job running; an exit status ends a job that succeeded at once (a
    /// failure waits for squeue's words).
    /// </summary>
    public void StatusWritten(string statusPath)
    {
        var name = Path.GetFileNameWithoutExtension(statusPath);
        var started = statusPath.EndsWith(".start", StringComparison.Ordinal);
        var underscore = name.IndexOf('_', StringComparison.Ordinal);
        if (underscore < 0
            || !long.TryParse(name[..underscore], NumberStyles.None, CultureInfo.InvariantCulture, out var arrayId)
            || !int.TryParse(name[(underscore + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return;
        }
        SlurmTrackedTask? task;
        lock (_gate)
        {
            _tracked.TryGetValue((arrayId, index), out task);
        }
        if (task is not null && started)
        {
            task.Job.ReportRunning();
        }
        else if (task is not null && ReadStatus(task) is { } exitCode)
        {
            if (exitCode == WorkerProtocol.Succeeded)
            {
                End(task, OutcomeOf(task, exitCode, slurm: null));
            }
            else
            {
                // A failure is told in Slurm's own words: the next round asks squeue.
                Wake();
            }
        }
    }

    private async Task RunRoundsAsync()
    {
        var wait = QuickestRound;
        while (!_stop.IsCancellationRequested)
        {
            Task wake;
            bool idle;
            lock (_gate)
            {
                if (_wake.Task.IsCompleted)
                {
                    _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = QuickestRound;
                }
                wake = _wake.Task;
                idle = _tracked.Count == 0;
            }
            try
            {
                await (idle ? wake.WaitAsync(_stop.Token) : Task.WhenAny(wake, Task.Delay(wait, _stop.Token))).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (_stop.IsCancellationRequested)
            {
                return;
            }
            bool changed;
            try
            {
                changed = await RoundAsync().ConfigureAwait(false);
                LastRoundError = null;
            }
#pragma warning disable CA1031 // A failed round (squeue unreachable for a moment) is retried; the error is kept for the jobs' errors.
            catch (Exception e) when (!_stop.IsCancellationRequested)
#pragma warning restore CA1031
            {
                LastRoundError = e.Message;
                changed = false;
            }
            wait = changed ? QuickestRound : TimeSpan.FromTicks(Math.Min(SlowestRound.Ticks, wait.Ticks * 2));
        }
    }

    /// <summary>One squeue for every tracked array; returns whether any job changed state.</summary>
    private async Task<bool> RoundAsync()
    {
        long[] arrays;
        lock (_gate)
        {
            arrays = [.. _tracked.Keys.Select(k => k.ArrayId).Distinct()];
        }
        if (arrays.Length == 0)
        {
            return false;
        }
        var listed = await _slurm.ListAsync(arrays, _stop.Token).ConfigureAwait(false);
        var changed = false;
        var listedArrays = new HashSet<long>();
        foreach (var status in listed)
        {
            listedArrays.Add(status.ArrayId);
            var state = SlurmStates.Classify(status.State);
            if (state == BatchJobState.Queued)
            {
                continue;
            }
            foreach (var index in status.Tasks)
            {
                SlurmTrackedTask? task;
                lock (_gate)
                {
                    _tracked.TryGetValue((status.ArrayId, index), out task);
                }
                if (task is null)
                {
                    continue;
                }
                if (state == BatchJobState.Running)
                {
                    changed |= task.Job.State == BatchJobState.Queued;
                    task.Job.ReportRunning();
                }
                else
                {
                    End(task, OutcomeOf(task, ReadStatus(task), status));
                    changed = true;
                }
            }
        }
        foreach (var array in arrays.Where(a => !listedArrays.Contains(a)))
        {
            changed |= ArrayUnlisted(array);
        }
        lock (_gate)
        {
            foreach (var array in listedArrays)
            {
                _roundsUnlisted.Remove(array);
            }
        }
        return changed;
    }

    /// <summary>Slurm forgot an array (after its MinJobAge, or the controller lost its state): its tasks end from their status files, or as lost.</summary>
    private bool ArrayUnlisted(long array)
    {
        List<SlurmTrackedTask> tasks;
        lock (_gate)
        {
            var rounds = _roundsUnlisted[array] = _roundsUnlisted.GetValueOrDefault(array) + 1;
            if (rounds < RoundsBeforeLost)
            {
                return false;
            }
            _roundsUnlisted.Remove(array);
            tasks = [.. _tracked.Values.Where(t => t.ArrayId == array)];
        }
        foreach (var task in tasks)
        {
            End(task, ReadStatus(task) is { } exitCode
                ? OutcomeOf(task, exitCode, slurm: null)
                : new BatchJobOutcome(BatchJobState.Lost, LogTail: TailOf(task.LogPath),
                    Detail: $"Slurm no longer lists job {task.Job.Id}, and the job left no exit status{(LastRoundError is { } error ? $" (last squeue error: {error})" : "")}"));
        }
        return tasks.Count > 0;
    }

    private void End(SlurmTrackedTask task, BatchJobOutcome outcome)
    {
        lock (_gate)
        {
            _tracked.Remove((task.ArrayId, task.Task));
        }
        task.Job.ReportEnded(outcome);
    }

    /// <summary>How a job ended, from its exit status (when it wrote one) and what squeue says (when it was asked).</summary>
    private static BatchJobOutcome OutcomeOf(SlurmTrackedTask task, int? exitCode, SlurmTaskStatus? slurm)
    {
        int? signal = null;
        if (exitCode > 128)
        {
            // The job script saw its worker die of a signal.
            signal = exitCode - 128;
            exitCode = null;
        }
        else if (exitCode is null && slurm is not null)
        {
            // squeue reports the batch script's raw wait status.
            if ((slurm.WaitStatus & 0x7f) is var killedBy and not 0)
            {
                signal = killedBy;
            }
            else
            {
                exitCode = (slurm.WaitStatus >> 8) & 0xff;
            }
        }
        var log = TailOf(task.LogPath);
        var state = slurm is null
            ? exitCode == WorkerProtocol.Succeeded ? BatchJobState.Succeeded : BatchJobState.Failed
            : SlurmStates.Classify(slurm.State);
        if (state == BatchJobState.Succeeded && exitCode is not null and not WorkerProtocol.Succeeded)
        {
            state = BatchJobState.Failed;
        }
        if (state is BatchJobState.Failed or BatchJobState.Cancelled && SlurmStates.SaysOutOfMemory(log))
        {
            // Without cgroups, Slurm's memory watchdog kills the job and says so in its log, and the state stays FAILED.
            state = BatchJobState.OutOfMemory;
        }
        var detail = slurm is null ? null : $"Slurm says {slurm.State} (reason {slurm.Reason}) on node {slurm.Nodes}";
        if (exitCode == WorkerProtocol.RuntimeMissing)
        {
            detail = $"the node has no .NET {WorkerDistribution.RuntimeVersion} runtime for the worker" + (detail is null ? "" : $"; {detail}");
        }
        if (state == BatchJobState.OutOfMemory)
        {
            detail = "out of memory: Slurm killed it for exceeding its memory limit" + (detail is null ? "" : $"; {detail}");
        }
        return new BatchJobOutcome(state, exitCode, signal, log, detail);
    }

    private static int? ReadStatus(SlurmTrackedTask task)
    {
        try
        {
            return int.TryParse(File.ReadAllText(task.StatusPath).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) ? code : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? TailOf(string logPath)
    {
        try
        {
            using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            const int Window = 16 * 1024;
            stream.Seek(Math.Max(0, stream.Length - Window), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join('\n', lines.TakeLast(LogTailLines));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _rounds.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The round in flight was stopped.
        }
        _stop.Dispose();
    }
}
