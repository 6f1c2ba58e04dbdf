namespace BatchPool.Backends;

/// <summary>Hears that a <see cref="BatchJob"/> started (<see cref="BatchJob.WhenRunning"/>); must return quickly, never block.</summary>
internal interface IJobStartObserver
{
    void Started();
}
