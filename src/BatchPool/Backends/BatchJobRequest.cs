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
public sealed record BatchJobRequest(string Name, IReadOnlyList<string> WorkerArguments, ReadOnlySequence<byte> Input = default);
