using System.Buffers;

namespace BatchPool.Backends;

/// <summary>A job to run: a worker started with <see cref="WorkerArguments"/>.</summary>
/// <param name="Name">A name for people and for the engine's listings: the executor's name and the call's name.</param>
/// <param name="WorkerArguments">The arguments of the BatchPool worker for this job; the backend starts the worker with them.</param>
/// <param name="Input">
/// The job's input, given only to a session that <see cref="IBatchSession.CarriesPayloads"/>: it hands the bytes to the
/// worker itself, and storage holds no copy. Empty otherwise: the input is in storage. A sequence, not one buffer: the
/// parts every job of a submission shares (the code manifest) are not copied into each job's input.
/// </param>
public sealed record BatchJobRequest(string Name, IReadOnlyList<string> WorkerArguments, ReadOnlySequence<byte> Input = default)
{
    /// <summary>
    /// Which attempt of its job this is: 1 for the first, more when the executor runs again a job lost to the
    /// infrastructure. A session runs a later attempt before the jobs it holds that have not started: the job was
    /// submitted before them, and a <c>Map</c> waits for its results in order (at the back of a long queue, a retried
    /// job's result would come last, and its wait could time out while every other job ran).
    /// </summary>
    public int Attempt { get; init; } = 1;
}
