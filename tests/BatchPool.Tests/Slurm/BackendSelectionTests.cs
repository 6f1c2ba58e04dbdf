using BatchPool.Configuration;
using BatchPool.Tests.Executor;

namespace BatchPool.Tests.Slurm;

/// <summary>Choosing the backend with BATCHPOOL_BACKEND, without a code change.</summary>
[Collection("Slurm")]
public sealed class BackendSelectionTests
{
    [Fact]
    public async Task Slurm_and_its_options_come_from_the_environment_and_run_jobs()
    {
        var environment = new Dictionary<string, string>
        {
            ["BATCHPOOL_BACKEND"] = "slurm:" + Path.Combine(Path.GetTempPath(), "batchpool-tests", "selected-" + Guid.NewGuid().ToString("N")[..8]),
            ["BATCHPOOL_SLURM_PARTITION"] = "batch",
            ["BATCHPOOL_SLURM_TIME_LIMIT"] = "0:30:00",
            ["BATCHPOOL_SLURM_MEMORY"] = "500M",
            ["BATCHPOOL_SLURM_SBATCH_ARGS"] = "--comment=selected --nice=1",
        };
        var selected = Assert.IsType<SlurmBackend>(BackendSelection.Create(environment.GetValueOrDefault));
        Assert.Equal(("batch", TimeSpan.FromMinutes(30), "500M"), (selected.Partition, selected.TimeLimit, selected.MemoryPerJob));
        Assert.Equal(["--comment=selected", "--nice=1"], selected.ExtraSbatchArgs);
        await using var cluster = SlurmCluster.NewBackend(_ => selected);
        using var bpe = new BatchPoolExecutor(backend: cluster.Backend);
        Assert.Equal([2, 4], bpe.Map(x => x * 2, [1, 2]));
    }

    [Fact]
    public async Task Local_is_the_default_and_unknown_backends_are_refused()
    {
        Assert.Null(BackendSelection.Create(_ => null));
        await using var local = Assert.IsType<LocalBackend>(BackendSelection.Create(name => name == "BATCHPOOL_BACKEND" ? "local" : null));
        Assert.Contains("the backend is one of local, slurm, docker", Assert.Throws<BatchPoolSettingException>(() => BackendSelection.Create(_ => "mainframe:/x")).Message, StringComparison.Ordinal);
        Assert.Contains("shares with the nodes", Assert.Throws<BatchPoolSettingException>(() => BackendSelection.Create(name => name == "BATCHPOOL_BACKEND" ? "slurm" : null)).Message, StringComparison.Ordinal);
    }
}
