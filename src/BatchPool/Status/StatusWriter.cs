using System.Diagnostics;
using BatchPool.Backends;
using BatchPool.Client;
using BatchPool.Storage;

namespace BatchPool.Status;

/// <summary>
/// Keeps an executor's status document (<see cref="ExecutorStatus"/>) in its folder, off the jobs' path: it hears each
/// job's transitions from the executor's telemetry (<see cref="Diagnostics.ExecutorTelemetry"/>, the one source of them)
/// into a small record per job (<see cref="JobRecord"/>), and a loop on the thread pool snapshots every record once a
/// second while jobs change, from the first second on (every 5 seconds otherwise, a heartbeat), and writes the document
/// atomically through storage. The same loop reads the <c>batchpool</c> tool's cancel requests.
/// </summary>
internal sealed class StatusWriter
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);

    /// <summary>The time between two writes is at least this many times the last write's (about 2 % of the client's time).</summary>
    private const int WriteShare = 50;

    private readonly BatchPoolExecutor _executor;
    private readonly IBatchBackend _backend;
    private readonly ExecutorLayout _layout;
    private readonly List<JobRecord> _jobs = [];
    private readonly HashSet<string> _cancelsHandled = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly long _startedTicks = Stopwatch.GetTimestamp();
    private readonly Task _loop;
    private ClientInfo? _client;
    private int _tracked;

    public StatusWriter(BatchPoolExecutor executor, IBatchBackend backend, ExecutorLayout layout)
    {
        _executor = executor;
        _backend = backend;
        _layout = layout;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Jobs are being submitted (one Submit's, or a Map's): added to the document, queued.</summary>
    public void Queued(List<PendingJob> jobs)
    {
        lock (_jobs)
        {
            foreach (var job in jobs)
            {
                _jobs.Add(job.Record);
            }
        }
        Interlocked.Increment(ref _tracked);
    }

    /// <summary>The backend accepted a job (or its next attempt): its record follows that job until it ends.</summary>
    public void Accepted(PendingJob job, BatchJob accepted) => job.Record.Attach(accepted);

    /// <summary>A job's attempt was lost and it runs again.</summary>
    public void Retried(PendingJob job) => job.Record.Attempts = job.Attempt;

    /// <summary>A job's future completed (once).</summary>
    public void Ended(PendingJob job, Diagnostics.JobEnd end, Exception? cause) =>
        job.Record.End(end switch
        {
            Diagnostics.JobEnd.Succeeded => JobStates.Succeeded,
            Diagnostics.JobEnd.Failed => JobStates.Failed,
            _ => JobStates.Cancelled,
        }, cause);

    /// <summary>
    /// Stops the loop and, with <paramref name="writeLast"/>, writes the last document, which says the executor ended
    /// (not for a folder about to be deleted: a map of 10,000 jobs would wait for its snapshot for nothing).
    /// </summary>
    public async Task StopAsync(bool writeLast)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (writeLast)
        {
            await WriteAsync(ended: true).ConfigureAwait(false);
        }
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Tick);
        var lastWrite = Stopwatch.GetTimestamp();
        var lastTracked = -1;
        var busy = true;
        var lastCost = TimeSpan.Zero;
        try
        {
            // Not before the first tick: a program that ends within a second (one job) never pays for the document's
            // serializer, and a kept folder gets its last document at shutdown anyway.
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                // While jobs change: every tick. Idle (every job ended, none added): a heartbeat now and then.
                // A document of many jobs costs in proportion: it is written at most once per WriteShare of its cost, so
                // that the document of a map of 100,000 jobs takes no more of the client than that of a small one.
                var tracked = Volatile.Read(ref _tracked);
                var sinceWrite = Stopwatch.GetElapsedTime(lastWrite);
                if ((busy || tracked != lastTracked || sinceWrite >= Heartbeat) && sinceWrite >= lastCost * WriteShare)
                {
                    lastTracked = tracked;
                    var started = Stopwatch.GetTimestamp();
                    busy = await WriteAsync(ended: false).ConfigureAwait(false);
                    lastWrite = Stopwatch.GetTimestamp();
                    lastCost = Stopwatch.GetElapsedTime(started, lastWrite);
                }
                await HandleCancelRequestsAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes the document; returns whether a job has not ended yet. Never throws: a status is not worth a job.</summary>
    private async Task<bool> WriteAsync(bool ended)
    {
        try
        {
            var status = Snapshot(ended);
            await _backend.Storage.WriteAsync(_layout.StatusFile, StatusReader.Serialize(status)).ConfigureAwait(false);
            return status.Counts.Queued + status.Counts.Running > 0;
        }
#pragma warning disable CA1031 // Storage errors (a full disk) must not reach the jobs; the next tick tries again.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Trace.TraceWarning($"BatchPool: could not write the status of executor {_executor.Name}: {e.Message}");
            return true;
        }
    }

    internal ExecutorStatus Snapshot(bool ended)
    {
        JobRecord[] jobs;
        lock (_jobs)
        {
            jobs = [.. _jobs];
        }
        var now = DateTimeOffset.UtcNow;
        var statuses = new JobStatus[jobs.Length];
        for (var i = 0; i < jobs.Length; i++)
        {
            statuses[i] = JobOf(jobs[i]);
        }
        return new ExecutorStatus
        {
            Name = _executor.Name,
            Backend = Diagnostics.ExecutorTelemetry.BackendName(_backend),
            Storage = _backend.Storage.Locator,
            Client = _client ??= ThisClient(),
            Started = _started,
            Updated = now,
            Ended = ended ? now : null,
            Counts = StatusCounts.Of(statuses),
            Jobs = statuses,
        };
    }

    private JobStatus JobOf(JobRecord record)
    {
        var (state, error, started, endedAt, location, engineId) = record.Read();
        return new JobStatus(record.Call, record.Calls, state, record.Attempts, engineId, TimeOf(record.SubmittedAt)!.Value, TimeOf(started), TimeOf(endedAt), location, error);
    }

    private DateTimeOffset? TimeOf(long ticks) => ticks == 0 ? null : _started + Stopwatch.GetElapsedTime(_startedTicks, ticks);

    private static ClientInfo ThisClient()
    {
        using var process = Process.GetCurrentProcess();
        return new ClientInfo(Environment.MachineName, Environment.ProcessId, new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero));
    }

    /// <summary>
    /// Cancels the jobs the tool asked to (<see cref="ExecutorLayout.CancelRequests"/>: call names, one a line; <c>*</c>
    /// for every job), each request once.
    /// </summary>
    private async Task HandleCancelRequestsAsync()
    {
        byte[]? requests;
        try
        {
            // Asked first: a read of a file that is not there costs the folder's storage an exception, every second.
            if (!await _backend.Storage.ExistsAsync(_layout.CancelRequests).ConfigureAwait(false))
            {
                return;
            }
            requests = await _backend.Storage.ReadAsync(_layout.CancelRequests).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Unreadable now, read again at the next tick.
        catch (Exception)
#pragma warning restore CA1031
        {
            return;
        }
        if (requests is null)
        {
            return;
        }
        var fresh = System.Text.Encoding.UTF8.GetString(requests)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(_cancelsHandled.Add)
            .ToHashSet(StringComparer.Ordinal);
        if (fresh.Count == 0)
        {
            return;
        }
        JobRecord[] jobs;
        lock (_jobs)
        {
            jobs = [.. _jobs];
        }
        foreach (var job in jobs)
        {
            if ((fresh.Contains("*") || fresh.Contains(job.Call)) && job.Pending is { } pending)
            {
                pending.Cancel();
            }
        }
    }
}
