using BatchPool.Tests.Docker;
using BatchPool.Tests.Executor;

namespace BatchPool.Tests.Faults;

/// <summary>
/// The Docker engine restarted during a batch of jobs (on an engine of the test's own: the machine's is shared): every
/// result comes back right, none is waited for in vain, and nothing is left on the engine.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class DockerdRestartTests : IDisposable
{
    private readonly OwnDockerEngine _engine = OwnDockerEngine.Start(DockerBackend.DefaultImage);

    public void Dispose() => _engine.Dispose();

    [Fact]
    public async Task A_dockerd_restart_during_60_jobs_loses_no_result_and_leaves_nothing()
    {
        await using var backend = new TestBackend(root => new DockerBackend(root, dockerEndpoint: _engine.Endpoint));
        string name;
        using (var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = backend.Backend, HandleSignals = false }))
        {
            name = bpe.Name;
            var futures = Enumerable.Range(0, 60).Select(i => bpe.Submit(FaultTests.Sleep200, i)).ToList();
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (futures.Count(f => f.Done) < 10 && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
            Assert.True(futures.Count(f => f.Done) >= 10, "10 jobs did not end within 3 minutes");
            // Jobs run (and are queued) while the engine stops: their containers are stopped with it.
            _engine.Restart();
            for (var i = 0; i < futures.Count; i++)
            {
                Assert.Equal(i, futures[i].Result(TimeSpan.FromMinutes(3)));
            }
        }
        Assert.Equal(0, _engine.ContainersWith($"batchpool.executor={name}"));
    }
}
