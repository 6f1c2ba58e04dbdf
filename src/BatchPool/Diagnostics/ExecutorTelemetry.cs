using System.Diagnostics;
using BatchPool.Backends;
using BatchPool.Client;
using BatchPool.Codec;
using Microsoft.Extensions.Logging;

namespace BatchPool.Diagnostics;

/// <summary>
/// An executor's one source of job transitions — submitted (queued), accepted by the backend, running, ended, and retried
/// — feeding its status document (<see cref="Status"/>, always) and its spans, metrics, log and progress. Every backend's
/// jobs go through it, because it hears them from the executor's futures (<see cref="PendingJob"/>) and
/// <see cref="BatchJob.ReportRunning"/>. A job is watched for spans, metrics and progress from its submission only when
/// something listened then; otherwise each of those is a null check.
/// </summary>
internal sealed class ExecutorTelemetry
{
    private readonly string _executor;
    private readonly string _backend;
    private readonly KeyValuePair<string, object?> _backendTag;
    private readonly ProgressTracker? _progress;

    public ExecutorTelemetry(string executor, IBatchBackend backend, ILoggerFactory? loggers, IProgress<BatchPoolProgress>? progress)
    {
        WarmUpInstruments();
        _executor = executor;
        _backend = BackendName(backend);
        _backendTag = new(Instruments.Names.Backend, _backend);
        Logger = loggers?.CreateLogger<BatchPoolExecutor>();
        _progress = progress is null ? null : new ProgressTracker(progress);
    }

    private static int _instrumentsWarming;

    /// <summary>
    /// Builds <see cref="Instruments"/> on the thread pool, once per process: in a fresh process their first use loads and
    /// initializes System.Diagnostics.DiagnosticSource, which would otherwise delay the first <c>Submit</c>, and the
    /// executor's start has other work to overlap it with. A use that comes before it is done waits for it (the type's
    /// initializer runs once, under the runtime's lock). Its own field, not one of Instruments': reading one of those
    /// would run the initializer on this thread.
    /// </summary>
    private static void WarmUpInstruments()
    {
        if (Interlocked.Exchange(ref _instrumentsWarming, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static _ => System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(Instruments).TypeHandle), null);
        }
    }

    /// <summary>The executor's log, when it was given a logger factory.</summary>
    public ILogger? Logger { get; }

    /// <summary>The status document's writer, fed every transition (set once by the executor, before its first job).</summary>
    public Status.StatusWriter? Status { get; set; }

    /// <summary>The backend's short name, as spans, metrics and logs give it: <c>local</c>, <c>slurm</c>, <c>docker</c>.</summary>
    public static string BackendName(IBatchBackend backend)
    {
        var name = backend.GetType().Name;
        return (name.EndsWith("Backend", StringComparison.Ordinal) && name.Length > "Backend".Length ? name[..^"Backend".Length] : name).ToLowerInvariant();
    }

    private static bool AnyInstrumentEnabled =>
        Instruments.Submitted.Enabled || Instruments.Started.Enabled || Instruments.Succeeded.Enabled || Instruments.Failed.Enabled ||
        Instruments.Cancelled.Enabled || Instruments.Retried.Enabled || Instruments.QueueWait.Enabled || Instruments.RunTime.Enabled;

    public void Started()
    {
        if (Logger is { } logger)
        {
            ExecutorLog.ExecutorStarted(logger, _executor, _backend);
        }
    }

    public void Stopping(int outstanding, bool cancelFutures)
    {
        if (Logger is { } logger)
        {
            ExecutorLog.ExecutorStopping(logger, _executor, outstanding, cancelFutures);
        }
    }

    /// <summary>Every job ended and the executor's resources are let go: the last progress report.</summary>
    public void Stopped()
    {
        _progress?.Flush();
        if (Logger is { } logger)
        {
            ExecutorLog.ExecutorStopped(logger, _executor);
        }
    }

    /// <summary>Logs a failure of the backend or its storage that no job's future reports (or that it reports for many).</summary>
    public void BackendError(string operation, Exception error)
    {
        if (Logger is { } logger)
        {
            ExecutorLog.BackendError(logger, _executor, operation, _backend, error);
        }
    }

    /// <summary>A Submit (<paramref name="map"/> false) or Map call begins: its span and its progress, when anything wants them.</summary>
    /// <param name="map">Whether the call is a Map (else a Submit).</param>
    /// <param name="jobs">The calls of each of its jobs.</param>
    /// <param name="progress">Where a Map reports its own progress.</param>
    public OperationWatch? StartOperation(bool map, IReadOnlyList<object?[][]> jobs, IProgress<BatchPoolProgress>? progress)
    {
        var span = Instruments.Source.HasListeners()
            ? Spans.StartDetached(map ? Instruments.Names.MapSpan : Instruments.Names.SubmitSpan, default,
                [new(Instruments.Names.Executor, _executor), _backendTag, new(Instruments.Names.Jobs, jobs.Count), new(Instruments.Names.Calls, jobs.Sum(calls => calls.Length))])
            : null;
        return span is null && progress is null ? null : new OperationWatch(span, progress is null ? null : new ProgressTracker(progress), jobs.Count);
    }

    /// <summary>Gives each job its <see cref="JobLife"/> when anything listens.</summary>
    public void Watch(List<PendingJob> jobs, OperationWatch? operation)
    {
        if (operation is null && _progress is null && !Instruments.Source.HasListeners() && !AnyInstrumentEnabled)
        {
            return;
        }
        foreach (var job in jobs)
        {
            job.Life = new JobLife(operation);
        }
    }

    /// <summary>The executor begins submitting these jobs (one Submit's, or a Map's).</summary>
    public void Queued(List<PendingJob> jobs)
    {
        foreach (var job in jobs)
        {
            Queued(job);
        }
        Status?.Queued(jobs);
    }

    /// <summary>The executor begins submitting the job.</summary>
    private void Queued(PendingJob job)
    {
        if (job.Life is not { } life || Interlocked.CompareExchange(ref life.Stage, JobLife.Queued, JobLife.Prepared) != JobLife.Prepared)
        {
            return;
        }
        CountQueued(life, job, withSpan: true);
    }

    private void CountQueued(JobLife life, PendingJob job, bool withSpan)
    {
        life.Attempt = 1;
        life.QueuedAt = Stopwatch.GetTimestamp();
        if (withSpan && Instruments.Source.HasListeners())
        {
            life.Span = Spans.StartDetached(Instruments.Names.JobSpan, life.Operation?.Span?.Context ?? default,
                [new(Instruments.Names.Executor, _executor), _backendTag, new(Instruments.Names.JobName, $"{_executor}-{job.CallName}"),
                 new(Instruments.Names.Calls, job.CallCount), new(Instruments.Names.Attempt, 1)]);
        }
        if (Instruments.Submitted.Enabled)
        {
            Instruments.Submitted.Add(1, _backendTag);
        }
        _progress?.Queued();
        life.Operation?.Progress?.Queued();
    }

    /// <summary>The backend accepted the job: its id is known, and its start is watched.</summary>
    public void Accepted(PendingJob job, BatchJob accepted)
    {
        Status?.Accepted(job, accepted);
        if (job.Life is { } life)
        {
            life.Span?.SetTag(Instruments.Names.JobId, accepted.Id);
            accepted.WhenRunning(job);
        }
    }

    /// <summary>The backend started the job (<see cref="BatchJob.ReportRunning"/>).</summary>
    public void Running(PendingJob job)
    {
        if (job.Life is not { } life)
        {
            return;
        }
        var now = Stopwatch.GetTimestamp();
        life.StartedAt = now;
        if (Interlocked.CompareExchange(ref life.Stage, JobLife.Running, JobLife.Queued) != JobLife.Queued)
        {
            return;
        }
        life.Span?.AddEvent(new ActivityEvent(Instruments.Names.RunningEvent));
        if (Instruments.Started.Enabled)
        {
            Instruments.Started.Add(1, _backendTag);
        }
        if (Instruments.QueueWait.Enabled)
        {
            Instruments.QueueWait.Record(Stopwatch.GetElapsedTime(life.QueuedAt, now).TotalSeconds, _backendTag);
        }
        _progress?.Running();
        life.Operation?.Progress?.Running();
    }

    /// <summary>
    /// The job's attempt was lost and the backend submits it again (for a backend or executor that retries): it is queued
    /// again, with the next attempt number.
    /// </summary>
    public void Retried(PendingJob job)
    {
        Status?.Retried(job);
        if (job.Life is not { } life)
        {
            return;
        }
        var previous = Interlocked.CompareExchange(ref life.Stage, JobLife.Queued, JobLife.Running);
        if (previous is not (JobLife.Running or JobLife.Queued))
        {
            return;
        }
        var attempt = Interlocked.Increment(ref life.Attempt);
        life.QueuedAt = Stopwatch.GetTimestamp();
        if (life.Span is { } span)
        {
            span.SetTag(Instruments.Names.Attempt, attempt);
            span.AddEvent(new ActivityEvent(Instruments.Names.RetriedEvent, tags: new ActivityTagsCollection { [Instruments.Names.Attempt] = attempt }));
        }
        if (Instruments.Retried.Enabled)
        {
            Instruments.Retried.Add(1, _backendTag);
        }
        _progress?.Retried(previous == JobLife.Running);
        life.Operation?.Progress?.Retried(previous == JobLife.Running);
        if (Logger is { } logger)
        {
            ExecutorLog.JobRetried(logger, _executor, $"{_executor}-{job.CallName}", attempt);
        }
    }

    /// <summary>The job's future completed with its calls' outcomes; a call that threw fails the job.</summary>
    public void Ended(PendingJob job, CallOutcome[] outcomes)
    {
        // A call that threw ends its job: the last outcome.
        var thrown = outcomes.Length > 0 ? outcomes[^1].Error : null;
        Ended(job, thrown is null ? JobEnd.Succeeded : JobEnd.Failed, thrown);
    }

    /// <summary>The job's future completed (once): <paramref name="cause"/> is the failure, when it failed.</summary>
    public void Ended(PendingJob job, JobEnd end, Exception? cause)
    {
        Status?.Ended(job, end, cause);
        if (job.Life is { } life)
        {
            var previous = Interlocked.Exchange(ref life.Stage, JobLife.Ended);
            if (previous == JobLife.Prepared)
            {
                // Cancelled (a shutdown's cancelFutures) between the executor's taking it and its counting it as queued.
                CountQueued(life, job, withSpan: false);
            }
            if (previous != JobLife.Ended)
            {
                Record(life, end, cause, previous == JobLife.Running);
            }
        }
        if (end == JobEnd.Failed && cause is not null && Logger is { } logger)
        {
            ExecutorLog.JobFailed(logger, _executor, job.Job?.Id ?? "(not submitted)", $"{_executor}-{job.CallName}",
                $"{cause.GetType().FullName}: {Spans.FirstLine(cause.Message)}", cause);
        }
    }

    private void Record(JobLife life, JobEnd end, Exception? cause, bool wasRunning)
    {
        if (wasRunning && Instruments.RunTime.Enabled)
        {
            Instruments.RunTime.Record(Stopwatch.GetElapsedTime(life.StartedAt).TotalSeconds, _backendTag);
        }
        var counter = end switch
        {
            JobEnd.Succeeded => Instruments.Succeeded,
            JobEnd.Failed => Instruments.Failed,
            _ => Instruments.Cancelled,
        };
        if (counter.Enabled)
        {
            counter.Add(1, _backendTag);
        }
        if (life.Span is { } span)
        {
            span.SetTag(Instruments.Names.Outcome, Spans.OutcomeName(end));
            if (cause is not null)
            {
                Spans.Fail(span, cause);
            }
            Spans.StopDetached(span);
        }
        _progress?.Ended(end, wasRunning);
        life.Operation?.Progress?.Ended(end, wasRunning);
        life.Operation?.JobEnded(end);
    }

    /// <summary>Counts bytes the executor wrote to storage.</summary>
    public void Stored(long bytes)
    {
        if (Instruments.BytesStored.Enabled)
        {
            Instruments.BytesStored.Add(bytes, _backendTag);
        }
    }
}
