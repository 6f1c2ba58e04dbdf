using BatchPool.Worker;

namespace BatchPool.Backends.Slurm;

/// <summary>
/// Watches every job a <see cref="SlurmBackend"/> submitted, with one <c>squeue</c> for all of them per round: quick rounds
/// while things change or jobs were just submitted or cancelled, backing off to <see cref="SlowestRound"/> while nothing
/// does. A job's status file (its exit code, written by the job script) ends it as soon as it appears; <c>squeue</c>
/// catches what a status file cannot tell: a job killed for its memory or time limit, cancelled, or lost with its node.
/// </summary>
/// <remarks>
/// Each round is three steps: <see cref="ListAsync"/> (squeue, parsed by <see cref="SlurmSqueueOutput"/>),
/// <see cref="ApplyListing"/> (running, or ended in Slurm's words) and <see cref="ApplySilence"/> (arrays squeue no longer
/// lists). An ending job's evidence is gathered from the shared folder (<see cref="SlurmStatusFiles"/>) and judged by
/// <see cref="SlurmJobEnd"/>, a pure function.
/// </remarks>
internal sealed class SlurmJobMonitor : IAsyncDisposable
{
    private static readonly TimeSpan QuickestRound = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan SlowestRound = TimeSpan.FromSeconds(2);

    /// <summary>Rounds in a row in which squeue must not list an array before its unfinished tasks count as lost.</summary>
    private const int RoundsBeforeLost = 3;

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
    /// failure waits for squeue's words). A packed task's jobs have marks of their own.
    /// </summary>
    public void StatusWritten(string statusPath)
    {
        if (SlurmStatusFileName.Parse(statusPath) is not { } file || Tracked(file.ArrayId, file.Task) is not { } task)
        {
            return;
        }
        if (file.PackedIndex is { } packedIndex)
        {
            if (task.Packed && packedIndex < task.Jobs.Count)
            {
                PollPackedJob(task, packedIndex);
            }
        }
        else if (file.IsStart)
        {
            if (!task.Packed)
            {
                task.Jobs[0].ReportRunning();
            }
        }
        else if (SlurmStatusFiles.ReadExitCode(task.StatusPath) is { } exitCode)
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

    private SlurmTrackedTask? Tracked(long arrayId, int task)
    {
        lock (_gate)
        {
            return _tracked.GetValueOrDefault((arrayId, task));
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
        var (arrays, listed) = await ListAsync().ConfigureAwait(false);
        if (arrays.Length == 0)
        {
            return false;
        }
        var changed = ApplyListing(listed);
        changed |= ApplySilence(arrays, [.. listed.Select(s => s.ArrayId)]);
        return changed;
    }

    /// <summary>Step 1: what squeue says of every tracked array.</summary>
    private async Task<(long[] Arrays, IReadOnlyList<SlurmTaskStatus> Listed)> ListAsync()
    {
        long[] arrays;
        lock (_gate)
        {
            arrays = [.. _tracked.Keys.Select(k => k.ArrayId).Distinct()];
        }
        if (arrays.Length == 0)
        {
            return (arrays, []);
        }
        return (arrays, await _slurm.ListAsync(arrays, _stop.Token).ConfigureAwait(false));
    }

    /// <summary>Step 2: each listed task is running (where, and which of a packed task's jobs) or ended in Slurm's words.</summary>
    private bool ApplyListing(IReadOnlyList<SlurmTaskStatus> listed)
    {
        var changed = false;
        foreach (var status in listed)
        {
            var state = SlurmStates.Classify(status.State);
            if (state == BatchJobState.Queued)
            {
                continue;
            }
            foreach (var index in status.Tasks)
            {
                if (Tracked(status.ArrayId, index) is not { } task)
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
                    EndTask(task, SlurmStatusFiles.ReadExitCode(task.StatusPath), status);
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
        return changed;
    }

    /// <summary>
    /// Step 3: Slurm forgot an array (after its MinJobAge, or the controller lost its state): once it stayed unlisted for
    /// <see cref="RoundsBeforeLost"/> rounds, its tasks end from their status files, or as lost.
    /// </summary>
    private bool ApplySilence(long[] arrays, HashSet<long> listedArrays)
    {
        var changed = false;
        foreach (var array in arrays.Where(a => !listedArrays.Contains(a)))
        {
            List<SlurmTrackedTask> tasks;
            lock (_gate)
            {
                var rounds = _roundsUnlisted[array] = _roundsUnlisted.GetValueOrDefault(array) + 1;
                if (rounds < RoundsBeforeLost)
                {
                    continue;
                }
                _roundsUnlisted.Remove(array);
                tasks = [.. _tracked.Values.Where(t => t.ArrayId == array)];
            }
            foreach (var task in tasks)
            {
                EndTask(task, SlurmStatusFiles.ReadExitCode(task.StatusPath), slurm: null, unlisted: true);
            }
            changed |= tasks.Count > 0;
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

    /// <summary>A packed task's job: running once it marked its start, ended once it recorded its exit code. Returns whether it changed.</summary>
    private static bool PollPackedJob(SlurmTrackedTask task, int index)
    {
        var job = task.Jobs[index];
        if (job.HasEnded)
        {
            return false;
        }
        var marks = SlurmStatusFiles.PackedJobMarks(task, index);
        if (marks.ExitCode is { } exitCode)
        {
            job.ReportEnded(SlurmJobEnd.OfPackedJob(exitCode, SlurmJobEnd.NeedsLogTail(marks) ? SlurmStatusFiles.LogTail(task.LogPath) : null));
            return true;
        }
        if (job.State == BatchJobState.Queued && marks.Started)
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
                var marks = task.Packed ? SlurmStatusFiles.PackedJobMarks(task, i) : (SlurmPackedJobMarks?)null;
                var log = SlurmJobEnd.NeedsLogTail(marks) ? SlurmStatusFiles.LogTail(task.LogPath) : null;
                task.Jobs[i].ReportEnded(SlurmJobEnd.Of(new SlurmJobEvidence(task.TaskId, exitCode, slurm, unlisted, LastRoundError, log, marks)));
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
