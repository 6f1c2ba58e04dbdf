using System.Diagnostics;

namespace BatchPool.Backends.Local;

/// <summary>
/// Whether the local backend starts one more worker for its queue: only when the workers it has would take longer to
/// empty it than a worker takes to start, as measured by this session's first worker (its spawn to its first answer). A
/// short map then runs on the worker that is up, rather than pay, on the same cores, for a process it would not need;
/// long jobs still get every slot's worker, as a job that has not answered for a while counts as at least that long.
/// </summary>
internal sealed class WorkerGrowth(long createdAt)
{
    /// <summary>Before any worker answered: how long the first may take before the others start regardless.</summary>
    internal const double BootAllowanceSeconds = 0.15;

    private readonly Lock _lock = new();
    private double _bootSeconds = double.NaN;
    private double _jobSeconds = double.NaN;
    private long _lastAnswerAt;

    /// <summary>Creates the rule of a session whose first worker starts now.</summary>
    public WorkerGrowth()
        : this(Stopwatch.GetTimestamp())
    {
    }

    /// <summary>A worker answered a job, at <paramref name="now"/>; <paramref name="jobSeconds"/> is its slot's pace (NaN until known).</summary>
    public void Answered(long now, double jobSeconds)
    {
        lock (_lock)
        {
            if (double.IsNaN(_bootSeconds))
            {
                _bootSeconds = Stopwatch.GetElapsedTime(createdAt, now).TotalSeconds;
            }
            if (!double.IsNaN(jobSeconds))
            {
                _jobSeconds = jobSeconds;
            }
            _lastAnswerAt = now;
        }
    }

    /// <summary>Whether a slot without a worker should start one for <paramref name="queued"/> jobs, with <paramref name="liveWorkers"/> at work.</summary>
    public bool WorthStarting(int queued, int liveWorkers, long now)
    {
        if (liveWorkers == 0)
        {
            return true;
        }
        lock (_lock)
        {
            if (double.IsNaN(_bootSeconds))
            {
                return Stopwatch.GetElapsedTime(createdAt, now).TotalSeconds >= BootAllowanceSeconds;
            }
            var jobSeconds = Math.Max(double.IsNaN(_jobSeconds) ? 0 : _jobSeconds, Stopwatch.GetElapsedTime(_lastAnswerAt, now).TotalSeconds);
            return queued * jobSeconds / liveWorkers > _bootSeconds;
        }
    }
}
