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
