namespace BatchPool.Backends;

/// <summary>
/// A job a backend accepted. The backend reports its progress with <see cref="ReportRunning"/> and <see cref="ReportEnded"/>;
/// the executor watches <see cref="State"/> and <see cref="Ended"/>.
/// </summary>
public sealed class BatchJob
{
    private readonly TaskCompletionSource<BatchJobOutcome> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile int _state = (int)BatchJobState.Queued;
    private int _reported;

    /// <summary>Creates a queued job.</summary>
    /// <param name="id">The engine's identifier of the job (a Slurm job id, a container id, ...).</param>
    /// <param name="name">The job's name, as requested.</param>
    public BatchJob(string id, string name)
    {
        Id = id;
        Name = name;
    }

    /// <summary>The engine's identifier of the job.</summary>
    public string Id { get; }

    /// <summary>The job's name.</summary>
    public string Name { get; }

    /// <summary>The job's current state.</summary>
    public BatchJobState State => (BatchJobState)_state;

    /// <summary>Completes, never faulted, with the job's outcome when the job has ended.</summary>
    public Task<BatchJobOutcome> Ended => _ended.Task;

    /// <summary>Records that the job started; ignored once it ended.</summary>
    public void ReportRunning() => Interlocked.CompareExchange(ref _state, (int)BatchJobState.Running, (int)BatchJobState.Queued);

    /// <summary>Records how the job ended; only the first report counts.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>True when this was the first report.</returns>
    public bool ReportEnded(BatchJobOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.State is BatchJobState.Queued or BatchJobState.Running)
        {
            throw new ArgumentException("An ended job's state must be a final one.", nameof(outcome));
        }
        if (Interlocked.Exchange(ref _reported, 1) == 1)
        {
            return false;
        }
        _state = (int)outcome.State;
        _ended.SetResult(outcome);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"job {Id} ({Name}), {State}";
}
