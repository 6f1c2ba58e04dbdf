using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;

namespace BatchPool.Backends.Local;

/// <summary>
/// One executor's jobs on the local backend: a queue, and one slot per parallel job, each owning a warm worker process
/// that it starts when a job arrives and replaces when the process dies or a cancel kills it.
/// </summary>
internal sealed class LocalSession : IBatchSession
{
    private static long _lastJobId;

    private readonly BatchSessionOptions _options;
    private readonly Channel<QueuedJob> _queue = Channel.CreateUnbounded<QueuedJob>();
    private readonly ConcurrentDictionary<BatchJob, LocalWorkerProcess> _running = new();
    private readonly Task[] _slots;
    private readonly CancellationTokenSource _closing = new();
    private int _disposed;

    public LocalSession(BatchSessionOptions options, int parallelJobs)
    {
        _options = options;
        _slots = Enumerable.Range(0, parallelJobs).Select(_ => Task.Run(RunSlotAsync)).ToArray();
    }

    public ValueTask<IReadOnlyList<BatchJob>> SubmitAsync(IReadOnlyList<BatchJobRequest> jobs, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var accepted = new BatchJob[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            var id = Interlocked.Increment(ref _lastJobId).ToString(CultureInfo.InvariantCulture);
            accepted[i] = new BatchJob($"local-{Environment.ProcessId}-{id}", jobs[i].Name);
            _queue.Writer.TryWrite(new QueuedJob(accepted[i], jobs[i].WorkerArguments));
        }
        return ValueTask.FromResult<IReadOnlyList<BatchJob>>(accepted);
    }

    public ValueTask CancelAsync(BatchJob job)
    {
        // A queued job is ended here and skipped by the slots; a running one ends when its process is killed.
        if (job.State == BatchJobState.Queued)
        {
            job.ReportEnded(new BatchJobOutcome(BatchJobState.Cancelled, Detail: "cancelled before it started"));
        }
        if (_running.TryGetValue(job, out var process))
        {
            process.Kill();
        }
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _queue.Writer.TryComplete();
        await _closing.CancelAsync().ConfigureAwait(false);
        foreach (var process in _running.Values)
        {
            process.Kill();
        }
        await Task.WhenAll(_slots).ConfigureAwait(false);
        while (_queue.Reader.TryRead(out var left))
        {
            left.Job.ReportEnded(new BatchJobOutcome(BatchJobState.Cancelled, Detail: "the executor shut down before the job started"));
        }
        _closing.Dispose();
    }

    private async Task RunSlotAsync()
    {
        LocalWorkerProcess? process = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                if (!_queue.Reader.TryRead(out var queued) || queued.Job.Ended.IsCompleted)
                {
                    continue;
                }
                if (process is null || process.HasExited || process.KilledOnPurpose)
                {
                    process?.Dispose();
                    process = LocalWorkerProcess.Start(_options);
                }
                _running[queued.Job] = process;
                queued.Job.ReportRunning();
                if (queued.Job.Ended.IsCompleted || _closing.IsCancellationRequested)
                {
                    // Cancelled, or the session closed, between the check above and the registration: never start it.
                    // (DisposeAsync cancels before it kills what is registered, so one of the two sides sees the other.)
                    _running.TryRemove(queued.Job, out _);
                    queued.Job.ReportEnded(new BatchJobOutcome(BatchJobState.Cancelled, Detail: "the executor shut down before the job started"));
                    continue;
                }
                var outcome = await process.RunAsync(queued.WorkerArguments).ConfigureAwait(false);
                _running.TryRemove(queued.Job, out _);
                queued.Job.ReportEnded(process.KilledOnPurpose ? outcome with { State = BatchJobState.Cancelled } : outcome);
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        finally
        {
            process?.Dispose();
        }
    }

    private sealed record QueuedJob(BatchJob Job, IReadOnlyList<string> WorkerArguments);
}
