namespace BatchPool.Backends;

/// <summary>One executor's connection to a backend: it submits that executor's jobs and cancels them.</summary>
/// <remarks>Disposing the session stops every job of the session that is still queued or running.</remarks>
public interface IBatchSession : IAsyncDisposable
{
    /// <summary>
    /// True when the session carries each job's input to its worker, and the output back in
    /// <see cref="BatchJobOutcome.Output"/>, itself (over a pipe, say): the executor then stores no per-call files.
    /// False (the default) when inputs and outputs go through storage, as they must for workers on other machines.
    /// </summary>
    bool CarriesPayloads => false;

    /// <summary>
    /// Submits a group of jobs at once (one <c>Submit</c>, or every chunk of one <c>Map</c>: a backend with job arrays
    /// submits the group as one array). Returns when the engine has accepted them; throws when it refuses them,
    /// with the engine's words.
    /// </summary>
    /// <param name="jobs">The jobs, each with the worker arguments that run it.</param>
    /// <param name="cancellationToken">Cancels the submission.</param>
    /// <returns>One <see cref="BatchJob"/> per request, in order; each reports when its job ends.</returns>
    ValueTask<IReadOnlyList<BatchJob>> SubmitAsync(IReadOnlyList<BatchJobRequest> jobs, CancellationToken cancellationToken = default);

    /// <summary>Stops a job that is queued or running; a job that already ended is left as it is.</summary>
    /// <param name="job">A job of this session.</param>
    ValueTask CancelAsync(BatchJob job);
}
