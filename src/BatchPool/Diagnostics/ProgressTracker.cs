using System.Diagnostics;

namespace BatchPool.Diagnostics;

/// <summary>
/// Counts the jobs of an executor or of one <c>Map</c> as their transitions arrive, and reports them to an
/// <see cref="IProgress{T}"/> on the thread pool: at most every <see cref="Interval"/> while they change, and at once
/// on <see cref="Flush"/>. A transition only takes a lock for a few counts and may arm a timer; it never waits for the
/// report. Reports go one at a time, each the latest counts, so a slow <see cref="IProgress{T}"/> sees fewer, never
/// older, reports.
/// </summary>
internal sealed class ProgressTracker : IThreadPoolWorkItem
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly IProgress<BatchPoolProgress> _target;
    private readonly Lock _gate = new();
    private readonly Timer _timer;
    private int _queued, _running, _succeeded, _failed, _cancelled, _retried;
    private long _firstQueuedAt;
    private long _version, _reportedVersion;
    private long _lastReportAt;
    // 1 while a delivery is queued or its timer armed; 1 while one runs; 1 when a delivery was asked for meanwhile.
    private int _scheduled, _delivering, _wanted;

    public ProgressTracker(IProgress<BatchPoolProgress> target)
    {
        _target = target;
        // Not disposed: a one-shot timer that fired holds nothing, and the tracker lives as long as its executor or map.
        _timer = new Timer(static tracker => ((ProgressTracker)tracker!).Deliver(), this, Timeout.Infinite, Timeout.Infinite);
    }

    public void Queued()
    {
        lock (_gate)
        {
            if (_firstQueuedAt == 0)
            {
                _firstQueuedAt = Stopwatch.GetTimestamp();
            }
            _queued++;
            _version++;
        }
        Schedule();
    }

    public void Running()
    {
        lock (_gate)
        {
            _queued--;
            _running++;
            _version++;
        }
        Schedule();
    }

    /// <param name="end">How the job ended.</param>
    /// <param name="wasRunning">Whether it had started (else it was queued).</param>
    public void Ended(JobEnd end, bool wasRunning)
    {
        lock (_gate)
        {
            if (wasRunning)
            {
                _running--;
            }
            else
            {
                _queued--;
            }
            switch (end)
            {
                case JobEnd.Succeeded:
                    _succeeded++;
                    break;
                case JobEnd.Failed:
                    _failed++;
                    break;
                default:
                    _cancelled++;
                    break;
            }
            _version++;
        }
        Schedule();
    }

    /// <param name="wasRunning">Whether the lost attempt had started: the job is queued again.</param>
    public void Retried(bool wasRunning)
    {
        lock (_gate)
        {
            if (wasRunning)
            {
                _running--;
                _queued++;
            }
            _retried++;
            _version++;
        }
        Schedule();
    }

    /// <summary>Reports the counts now (on the thread pool), not waiting for the interval: the end of a map or an executor.</summary>
    public void Flush()
    {
        // An armed timer is disarmed; a delivery already queued as well as this one is harmless (an unchanged count is not reported twice).
        Volatile.Write(ref _scheduled, 1);
        _timer.Change(Timeout.Infinite, Timeout.Infinite);
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>The counts as they are.</summary>
    public BatchPoolProgress Snapshot()
    {
        lock (_gate)
        {
            return SnapshotLocked();
        }
    }

    void IThreadPoolWorkItem.Execute() => Deliver();

    private BatchPoolProgress SnapshotLocked() => new(
        _queued, _running, _succeeded, _failed, _cancelled, _retried,
        _firstQueuedAt == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_firstQueuedAt));

    private void Schedule()
    {
        if (Volatile.Read(ref _scheduled) == 1 || Interlocked.Exchange(ref _scheduled, 1) == 1)
        {
            return;
        }
        var wait = Interval - Stopwatch.GetElapsedTime(Volatile.Read(ref _lastReportAt));
        if (wait <= TimeSpan.Zero)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        else
        {
            _timer.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    private void Deliver()
    {
        Volatile.Write(ref _scheduled, 0);
        Volatile.Write(ref _wanted, 1);
        // One delivery at a time; one asked for while another runs is done by the one running.
        while (Volatile.Read(ref _wanted) == 1 && Interlocked.CompareExchange(ref _delivering, 1, 0) == 0)
        {
            try
            {
                while (Interlocked.Exchange(ref _wanted, 0) == 1)
                {
                    ReportLatest();
                }
            }
            finally
            {
                Volatile.Write(ref _delivering, 0);
            }
        }
    }

    private void ReportLatest()
    {
        BatchPoolProgress report;
        lock (_gate)
        {
            if (_version == _reportedVersion)
            {
                return;
            }
            _reportedVersion = _version;
            report = SnapshotLocked();
        }
        Volatile.Write(ref _lastReportAt, Stopwatch.GetTimestamp());
        try
        {
            _target.Report(report);
        }
#pragma warning disable CA1031 // A progress handler's failure must not take down the thread pool, nor stop the jobs.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Trace.TraceError($"A BatchPool progress handler threw: {e}");
        }
    }
}
