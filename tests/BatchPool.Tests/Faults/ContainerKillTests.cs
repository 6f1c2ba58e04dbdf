using BatchPool.Tests.Docker;
using BatchPool.Tests.Executor;
using BatchPool.Tests.Slurm;

namespace BatchPool.Tests.Faults;

/// <summary>
/// Containers killed for real (<c>docker kill</c>) during a map: every call's result comes back right and in order, and
/// nothing hangs or is left behind. Each call is killed once at most, so that the default three attempts always suffice.
/// </summary>
public abstract class ContainerKillTests(bool reuseContainers) : IAsyncLifetime
{
    private readonly TestBackend _backend = DockerTestBackends.Create(reuseContainers);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Twenty_docker_kills_during_a_200_job_map_lose_no_result_keep_the_order_and_leave_nothing()
    {
        var items = Enumerable.Range(0, 200).ToList();
        var killed = new List<string>();
        string name;
        using (var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = _backend.Backend, HandleSignals = false }))
        {
            name = bpe.Name;
            using var stop = new CancellationTokenSource();
            var killer = Task.Run(() => KillAsync(bpe.Name, killed, stop.Token));
            // Each result is waited for 2 minutes. A retried job used to wait at the back of the queue, behind every job
            // of the map, so that an early one's result came last (the 200-job map with 20 kills that lost one).
            var results = bpe.Map(FaultTests.Sleep200, items, timeout: TimeSpan.FromMinutes(2)).ToList();
            await stop.CancelAsync();
            await killer;
            Assert.Equal(items, results);
        }
        Assert.True(killed.Count == 20, $"{killed.Count} containers were killed during the map, not 20");
        Assert.Empty(Lines("docker", "ps", "-aq", "--filter", $"label=batchpool.executor={name}"));
    }

    /// <summary>
    /// Kills one running container of the executor every 0.2 to 0.7 s, each call's at most once, until 20 are killed: often
    /// enough that 20 are killed well before the map ends (at 0.5 to 1.5 s, a run once ended after 19).
    /// </summary>
    private static async Task KillAsync(string executorName, List<string> killed, CancellationToken stop)
    {
        var random = new Random(21);
        var calls = new HashSet<string>();
        while (killed.Count < 20 && !stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(200 + random.Next(500), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var running = Lines("docker", "ps", "-q", "--filter", $"label=batchpool.executor={executorName}", "--filter", "status=running")
                .Select(id => (Id: id, Call: CallRunningIn(id)))
                .Where(c => c.Call is not null && !calls.Contains(c.Call))
                .ToList();
            if (running.Count == 0)
            {
                continue;
            }
            var target = running[random.Next(running.Count)];
            if (SlurmCluster.Run("docker", "kill", target.Id).ExitCode == 0)
            {
                calls.Add(target.Call!);
                killed.Add(target.Id);
            }
        }
    }

    /// <summary>
    /// The call whose worker runs in the container (<c>run ... --call NAME</c>), from the engine's process listing; null when
    /// none does (a reused container between jobs) or the container is gone. A retried call runs in a new container.
    /// </summary>
    private static string? CallRunningIn(string container)
    {
        var (code, output) = SlurmCluster.Run("docker", "top", container, "-eo", "pid,args");
        return code != 0 ? null : output.Split('\n')
            .Where(line => line.Contains(" run ", StringComparison.Ordinal) && line.Contains(" --call ", StringComparison.Ordinal))
            .Select(line => line.Trim().Split(' ')[^1])
            .FirstOrDefault();
    }

    private static string[] Lines(string command, params string[] arguments)
    {
        var (code, output) = SlurmCluster.Run(command, arguments);
        Assert.True(code == 0, $"{command} failed: {output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}

/// <summary>A container per job: each kill ends one job's container.</summary>
[Collection(DockerCollection.Name)]
public sealed class ContainerKillTestsContainerPerJob() : ContainerKillTests(reuseContainers: false);

/// <summary>Reused containers: each kill ends a slot's container and the job it runs; the slot makes a new one.</summary>
[Collection(DockerCollection.Name)]
public sealed class ContainerKillTestsReusingContainers() : ContainerKillTests(reuseContainers: true);
