using BatchPool.Backends;

namespace BatchPool.Client;

/// <summary>
/// The per-job timeout (<see cref="BatchPoolExecutorOptions.JobTimeout"/>): one timer per executor looks at its running
/// jobs about once a second, and stops those that have run longer than the limit since it first saw them running.
/// </summary>
internal sealed class JobTimeouts : IDisposable
{
    private readonly BatchPoolExecutor _executor;
    private readonly Timer _timer;

    public JobTimeouts(BatchPoolExecutor executor, TimeSpan limit)
    {
        _executor = executor;
        Limit = limit;
        // A short limit is checked more often, so that it is kept within a quarter of itself.
        var period = TimeSpan.FromTicks(Math.Clamp(limit.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _timer = new Timer(static state => ((JobTimeouts)state!).Check(), this, period, period);
    }

    public TimeSpan Limit { get; }

    public void Dispose() => _timer.Dispose();

    private void Check()
    {
        var now = Environment.TickCount64;
        foreach (var pending in _executor.OutstandingJobs())
        {
            if (pending.Outcomes.IsCompleted || pending.Job is not { State: BatchJobState.Running } job)
            {
                continue;
            }
            if (pending.RunningSince == 0)
            {
                pending.RunningSince = now;
            }
            else if (now - pending.RunningSince >= Limit.TotalMilliseconds && pending.MarkTimedOut())
            {
                _executor.CancelInBackend(job);
            }
        }
    }
}
