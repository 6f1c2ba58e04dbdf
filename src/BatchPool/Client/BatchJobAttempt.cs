using BatchPool.Backends;

namespace BatchPool;

/// <summary>
/// One run of a job that ended without its calls' results: what ended it. A job lost to the infrastructure is run again
/// (see <see cref="BatchPoolExecutorOptions.MaxAttempts"/>); <see cref="BatchJobFailedException.Attempts"/> lists every run.
/// </summary>
/// <param name="Number">The attempt's number, from 1.</param>
/// <param name="JobId">The engine's id of the attempt's job (each attempt is a job of its own).</param>
/// <param name="State">The attempt's final state, as its backend saw it.</param>
/// <param name="ExitCode">The worker's exit code, when it exited.</param>
/// <param name="Signal">The signal that killed the worker, when one did.</param>
/// <param name="Cause">What ended it, in a few words.</param>
/// <param name="Retried">Whether the job was run again after it.</param>
public sealed record BatchJobAttempt(int Number, string JobId, BatchJobState State, int? ExitCode, int? Signal, string Cause, bool Retried)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var text = $"attempt {Number} (job {JobId}): {Cause}; state {State}";
        if (ExitCode is { } code)
        {
            text += $", exit code {code}";
        }
        if (Signal is { } signal)
        {
            text += $", signal {signal}";
        }
        return text + (Retried ? "; retried" : "");
    }
}
