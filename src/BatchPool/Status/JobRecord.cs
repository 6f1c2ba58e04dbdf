using System.Diagnostics;
using BatchPool.Backends;
using BatchPool.Client;

namespace BatchPool.Status;

/// <summary>
/// What the status document keeps of one job: small, and once the job ended, nothing of its results or its backend
/// job (a map lets go of the results it yielded; the executor keeps only this for its document).
/// </summary>
internal sealed class JobRecord(string call, int calls, PendingJob pending)
{
    private PendingJob? _pending = pending;
    private BatchJob? _job;
    private string? _state;
    private string? _error;
    private long _started;
    private long _ended;
    private string? _location;
    private string? _engineId;

    public string Call { get; } = call;

    public int Calls { get; } = calls;

    /// <summary>How many times the job was started (1 until retries exist; the retrying code sets it).</summary>
    public int Attempts { get; set; } = 1;

    /// <summary>When it was submitted (<see cref="Stopwatch"/> ticks).</summary>
    public long SubmittedAt { get; } = Stopwatch.GetTimestamp();

    /// <summary>The job, until it ended: the tool's cancel requests cancel it through this.</summary>
    public PendingJob? Pending => Volatile.Read(ref _pending);

    public void Attach(BatchJob job) => Volatile.Write(ref _job, job);

    /// <summary>Keeps the job's end (<see cref="JobStates"/>) and lets go of the job.</summary>
    public void End(string state, Exception? error)
    {
        var job = Volatile.Read(ref _job);
        _started = job?.StartedAt ?? 0;
        _ended = job is { EndedAt: > 0 } ended ? ended.EndedAt : Stopwatch.GetTimestamp();
        _location = job?.Location;
        _engineId = job?.Id;
        _error = error is null ? null : FirstLine(error);
        Volatile.Write(ref _job, null);
        Volatile.Write(ref _pending, null);
        Volatile.Write(ref _state, state);
    }

    /// <summary>Its state now, and what is known of it.</summary>
    public (string State, string? Error, long Started, long Ended, string? Location, string? EngineId) Read()
    {
        if (Volatile.Read(ref _state) is { } state)
        {
            return (state, _error, _started, _ended, _location, _engineId);
        }
        var job = Volatile.Read(ref _job);
        return job is null
            ? (JobStates.Queued, null, 0, 0, null, null)
            : (job.State == BatchJobState.Running ? JobStates.Running : JobStates.Queued, null, job.StartedAt, 0, job.Location, job.Id);
    }

    internal static string FirstLine(Exception error)
    {
        var message = error.Message;
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return $"{error.GetType().FullName}: {(newline < 0 ? message : message[..newline].TrimEnd())}";
    }
}
