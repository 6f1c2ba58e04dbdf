using System.Globalization;
using BatchPool.Worker;

namespace BatchPool.Backends.Slurm;

/// <summary>
/// An array task the monitor watches until its jobs ended: one job, or, in a <paramref name="Packed"/> array, several
/// that one worker runs one after another, each recording its start and exit code beside the task's own status files.
/// </summary>
internal sealed record SlurmTrackedTask(IReadOnlyList<BatchJob> Jobs, long ArrayId, int Task, string LogPath, string StatusPrefix, bool Packed)
{
    /// <summary>Slurm's id of the task, as scancel takes it.</summary>
    public string TaskId { get; } = FormattableString.Invariant($"{ArrayId}_{Task}");

    /// <summary>The exit code of the task's worker, written by the job script.</summary>
    public string StatusPath => StatusPrefix + ".exit";

    /// <summary>
    /// Completes when Slurm says the task ended (or no longer lists it). Its jobs may end before, from their status files,
    /// while the worker or the script is still exiting.
    /// </summary>
    public Task Finished => _finished.Task;

    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal void MarkFinished() => _finished.TrySetResult();
}

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
    /// failure waits for squeue's words). A packed task's jobs have marks of their own ("ARRAY_TASK.INDEX.exit").
    /// </summary>
    public void StatusWritten(string statusPath)
    {
        var name = Path.GetFileNameWithoutExtension(statusPath);
        var started = statusPath.EndsWith(".start", StringComparison.Ordinal);
        int? index = null;
        if (name.IndexOf('.', StringComparison.Ordinal) is var dot and >= 0)
        {
            if (!int.TryParse(name[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var jobIndex))
            {
                return;
            }
            index = jobIndex;
            name = name[..dot];
        }
        var underscore = name.IndexOf('_', StringComparison.Ordinal);
        if (underscore < 0
            || !long.TryParse(name[..underscore], NumberStyles.None, CultureInfo.InvariantCulture, out var arrayId)
            || !int.TryParse(name[(underscore + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var taskIndex))
        {
            return;
        }
        SlurmTrackedTask? task;
        lock (_gate)
        {
            _tracked.TryGetValue((arrayId, taskIndex), out task);
        }
        if (task is null)
        {
            return;
        }
        if (index is { } packedIndex)
        {
            if (task.Packed && packedIndex < task.Jobs.Count)
            {
                PollPackedJob(task, packedIndex);
            }
        }
        else if (started)
        {
            if (!task.Packed)
            {
                task.Jobs[0].ReportRunning();
            }
        }
        else if (ReadCode(task.StatusPath) is { } exitCode)
        {
            if (exitCode == WorkerProtocol.Succeeded)
            {
                EndTask(task, exitCode, slurm: null);
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
                if (status.Nodes.Length > 0)
                {
                    // Where it runs, for the status document.
                    foreach (var job in task.Jobs)
                    {
                        job.Location ??= status.Nodes;
                    }
                }
                if (state != BatchJobState.Running)
                {
                    EndTask(task, ReadCode(task.StatusPath), status);
                    changed = true;
                }
                else if (task.Packed)
                {
                    // On a file system that does not report other machines' changes, the rounds read the jobs' marks: up to
                    // the first job not yet started, since the worker runs them in order.
                    for (var i = 0; i < task.Jobs.Count; i++)
                    {
                        changed |= PollPackedJob(task, i);
                        if (task.Jobs[i].State == BatchJobState.Queued)
                        {
                            break;
                        }
                    }
                }
                else
                {
                    changed |= task.Jobs[0].State == BatchJobState.Queued;
                    task.Jobs[0].ReportRunning();
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
            EndTask(task, ReadCode(task.StatusPath), slurm: null, unlisted: true);
        }
        return tasks.Count > 0;
    }

    /// <summary>A packed task's job: running once it marked its start, ended once it recorded its exit code. Returns whether it changed.</summary>
    private bool PollPackedJob(SlurmTrackedTask task, int index)
    {
        var job = task.Jobs[index];
        if (job.HasEnded)
        {
            return false;
        }
        var (started, exited, _) = WorkerProtocol.JobStatusFiles(task.StatusPrefix, index);
        if (ReadCode(exited) is { } exitCode)
        {
            job.ReportEnded(PackedJobOutcome(task, exitCode));
            return true;
        }
        if (job.State == BatchJobState.Queued && File.Exists(started))
        {
            job.ReportRunning();
            return true;
        }
        return false;
    }

    /// <summary>The task ended: each of its jobs that has not ended yet ends now, from what it and the task left behind.</summary>
    private void EndTask(SlurmTrackedTask task, int? exitCode, SlurmTaskStatus? slurm, bool unlisted = false)
    {
        for (var i = 0; i < task.Jobs.Count; i++)
        {
            if (!task.Jobs[i].HasEnded)
            {
                task.Jobs[i].ReportEnded(OutcomeOfJob(task, i, exitCode, slurm, unlisted));
            }
        }
        if (slurm is not null || unlisted)
        {
            StopWatching(task);
        }
        else
        {
            // Its script wrote its last status: the next round sees Slurm end the task, and closing sessions wait for that.
            Wake();
        }
    }

    private void StopWatching(SlurmTrackedTask task)
    {
        lock (_gate)
        {
            _tracked.Remove((task.ArrayId, task.Task));
        }
        task.MarkFinished();
    }

    /// <summary>
    /// How a job of an ended task ended. A packed task's job that recorded its exit code ended that way; one that started
    /// but recorded nothing was running when the task ended, and ends as the task did; one that never started ends with
    /// the task, saying so.
    /// </summary>
    private BatchJobOutcome OutcomeOfJob(SlurmTrackedTask task, int index, int? exitCode, SlurmTaskStatus? slurm, bool unlisted)
    {
        if (task.Packed)
        {
            var (started, exited, _) = WorkerProtocol.JobStatusFiles(task.StatusPrefix, index);
            if (ReadCode(exited) is { } jobExitCode)
            {
                return PackedJobOutcome(task, jobExitCode);
            }
            if (!File.Exists(started))
            {
                // Failed, not Cancelled, even when the task was cancelled: to stop a neighbour, or from outside; a job this
                // executor cancelled itself is already done, whatever its outcome says.
                var why = slurm is null ? "" : $" (Slurm says {slurm.State}, reason {slurm.Reason}, node {slurm.Nodes})";
                return new BatchJobOutcome(BatchJobState.Failed, LogTail: TailOf(task.LogPath),
                    Detail: $"did not start: it shared Slurm array task {task.TaskId} with other jobs of its map, and the task ended before reaching it{why}");
            }
        }
        if (unlisted && exitCode is null)
        {
            return new BatchJobOutcome(BatchJobState.Lost, LogTail: TailOf(task.LogPath),
                Detail: $"Slurm no longer lists job {task.TaskId}, and the job left no exit status{(LastRoundError is { } error ? $" (last squeue error: {error})" : "")}");
        }
        return OutcomeOf(task, exitCode, slurm);
    }

    /// <summary>A packed task's job that recorded its own exit code: the worker was alive to write it, so Slurm has nothing to add.</summary>
    private static BatchJobOutcome PackedJobOutcome(SlurmTrackedTask task, int exitCode) => exitCode switch
    {
        WorkerProtocol.Succeeded => new BatchJobOutcome(BatchJobState.Succeeded, exitCode),
        WorkerProtocol.CancelledBeforeStart => new BatchJobOutcome(BatchJobState.Cancelled, exitCode, Detail: "cancelled before it started"),
        _ => new BatchJobOutcome(BatchJobState.Failed, exitCode, LogTail: TailOf(task.LogPath)),
    };

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

    /// <summary>The exit code a status file holds, or null while there is none.</summary>
    private static int? ReadCode(string statusPath)
    {
        if (!File.Exists(statusPath))
        {
            // Mostly the case while jobs run: no exception to throw and catch on every round.
            return null;
        }
        try
        {
            return int.TryParse(File.ReadAllText(statusPath).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) ? code : null;
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
