namespace BatchPool.Backends;

/// <summary>How a job ended, as its backend saw it.</summary>
/// <param name="State">The final state; never <see cref="BatchJobState.Queued"/> or <see cref="BatchJobState.Running"/>.</param>
/// <param name="ExitCode">The worker's exit code, when it exited.</param>
/// <param name="Signal">The signal that killed the worker, when one did.</param>
/// <param name="LogTail">The last lines the worker wrote to its log, when the backend has them.</param>
/// <param name="Detail">The engine's own words about the job's end (a scheduler's reason, a container error), when any.</param>
/// <param name="Output">
/// The job's output, from a session that <see cref="IBatchSession.CarriesPayloads"/>; empty when the output is in storage
/// (or was never written).
/// </param>
public sealed record BatchJobOutcome(
    BatchJobState State,
    int? ExitCode = null,
    int? Signal = null,
    string? LogTail = null,
    string? Detail = null,
    ReadOnlyMemory<byte> Output = default);
