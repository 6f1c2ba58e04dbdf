using System.Diagnostics;

namespace BatchPool.Backends.Local;

/// <summary>
/// Whether the local backend starts one more worker for its queue: only when the workers it has would take longer to
/// empty it than a worker takes to start, as measured by this session's first worker (its spawn to its notice that it is
/// up; a session whose first worker was a spare, up at once, goes by the last worker measured in the process). A
/// short map then runs on the worker that is up, rather than pay, on the same cores, for a process it would not need;
/// long jobs still get every slot's worker, as a job that has not answered for a while counts as at least that long.
/// </summary>
/// <param name="createdAt">When the session's first worker started.</param>
/// <param name="bootSeconds">How long a worker takes to start, when known already (NaN: the first worker measures it).</param>
internal sealed class WorkerGrowth(long createdAt, double bootSeconds = double.NaN)
{
    /// <summary>Before any worker answered a job: how long the first may take before the others start regardless.</summary>
    internal const double BootAllowanceSeconds = 0.15;

    private static double _lastMeasuredBootSeconds = BootAllowanceSeconds;

    private readonly Lock _lock = new();
    private double _bootSeconds = bootSeconds;
    private double _jobSeconds = double.NaN;
    private long _lastAnswerAt; // 0: none yet

    /// <summary>Creates the rule of a session whose first worker starts now.</summary>
    public WorkerGrowth()
        : this(Stopwatch.GetTimestamp())
    {
    }

    /// <summary>
    /// How long the last worker measured took to start in this process (<see cref="BootAllowanceSeconds"/> before any):
    /// for a session whose first worker was a spare, up at once.
    /// </summary>
    public static double LastMeasuredBootSeconds => Volatile.Read(ref _lastMeasuredBootSeconds);

    /// <summary>
    /// A worker said it is up, at <paramref name="now"/>: the session's first measures how long a worker takes to start.
    /// Not an answer: how long its first job takes is yet to be seen.
    /// </summary>
    public void Up(long now)
    {
        lock (_lock)
        {
            MeasureBoot(now);
        }
    }

    /// <summary>A worker answered a job, at <paramref name="now"/>; <paramref name="jobSeconds"/> is its slot's pace (NaN until known).</summary>
    public void Answered(long now, double jobSeconds)
    {
        lock (_lock)
        {
            MeasureBoot(now);
            if (!double.IsNaN(jobSeconds))
            {
                _jobSeconds = jobSeconds;
            }
            _lastAnswerAt = now;
        }
    }

    private void MeasureBoot(long now)
    {
        if (double.IsNaN(_bootSeconds))
        {
            _bootSeconds = Stopwatch.GetElapsedTime(createdAt, now).TotalSeconds;
            Volatile.Write(ref _lastMeasuredBootSeconds, _bootSeconds);
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
            if (_lastAnswerAt == 0)
            {
                return Stopwatch.GetElapsedTime(createdAt, now).TotalSeconds >= BootAllowanceSeconds;
            }
            var jobSeconds = Math.Max(double.IsNaN(_jobSeconds) ? 0 : _jobSeconds, Stopwatch.GetElapsedTime(_lastAnswerAt, now).TotalSeconds);
            return queued * jobSeconds / liveWorkers > _bootSeconds;
        }
    }
}
