using System.Diagnostics;

namespace BatchPool.Backends.Local;

/// <summary>
/// How many jobs a slot of the local backend keeps in flight: enough to cover <see cref="AheadSeconds"/> of its worker's
/// work, judged from the pace of its answers. Short jobs then never wait for the client, not even through its garbage
/// collections, while long ones are not kept waiting inside one worker when another could start them.
/// </summary>
internal sealed class SlotPace
{
    /// <summary>Until the first measurement: a worker's first answers say little (it compiles as it goes).</summary>
    private const int InitialJobsAhead = 32;

    private const double AheadSeconds = 0.02;

    /// <summary>The weight of each new measurement: answers are read in bursts (several arrive in one read), so single gaps say little.</summary>
    private const double Smoothing = 0.05;

    private long _lastEndedAt;
    private double _jobSeconds = double.NaN;

    /// <summary>Records that a job ended; <paramref name="nextQueued"/>: the worker had the next job already and went straight on to it.</summary>
    public void Ended(bool nextQueued) => Ended(nextQueued, Stopwatch.GetTimestamp());

    /// <summary>As <see cref="Ended(bool)"/>, at <paramref name="now"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    internal void Ended(bool nextQueued, long now)
    {
        if (_lastEndedAt != 0)
        {
            var seconds = Stopwatch.GetElapsedTime(_lastEndedAt, now).TotalSeconds;
            _jobSeconds = double.IsNaN(_jobSeconds) ? seconds : _jobSeconds + (Smoothing * (seconds - _jobSeconds));
        }
        // Only a gap in which the worker was busy throughout measures a job.
        _lastEndedAt = nextQueued ? now : 0;
    }

    /// <summary>The worker's seconds per job, smoothed; NaN until measured.</summary>
    public double JobSeconds => _jobSeconds;

    /// <summary>The jobs to keep in flight, at most <paramref name="max"/>.</summary>
    public int JobsAhead(int max) =>
        double.IsNaN(_jobSeconds) ? Math.Min(InitialJobsAhead, max) : (int)Math.Min(max, 1 + (AheadSeconds / Math.Max(_jobSeconds, 1e-7)));
}
