using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BatchPool.Tests.Configuration;

/// <summary>BatchPool in a service container and a generic host, with options from configuration.</summary>
public sealed class DependencyInjectionTests
{
    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Fact]
    public async Task The_issue_program_prints_42_then_True()
    {
        var config = Configuration(new() { ["BatchPool:Backend"] = "local", ["BatchPool:MaxParallelJobs"] = "2" });
        var services = new ServiceCollection();
        services.AddBatchPool(config.GetSection("BatchPool"));
        await using var sp = services.BuildServiceProvider();
        using (var bpe = sp.GetRequiredService<BatchPoolExecutorFactory>().Create())
        {
            Assert.Equal(42, bpe.Submit(() => 40 + 2).Result());
            Assert.Same(sp.GetRequiredService<IBatchBackend>(), bpe.Backend);
        }
        var backend = Assert.IsType<LocalBackend>(sp.GetRequiredService<IBatchBackend>());
        Assert.Same(backend, sp.GetRequiredService<IBatchBackend>());
    }

    [Fact]
    public async Task The_section_sets_the_backend_options_and_the_executor_defaults()
    {
        var folder = Path.Combine(Path.GetTempPath(), "batchpool-tests", "di-" + Guid.NewGuid().ToString("N")[..8]);
        var config = Configuration(new()
        {
            ["BatchPool:Backend"] = "slurm",
            ["BatchPool:RemoteTmpdir"] = folder,
            ["BatchPool:MaxParallelJobs"] = "4",
            ["BatchPool:CpusPerJob"] = "500m",
            ["BatchPool:CleanupBucket"] = "false",
            ["BatchPool:Slurm:TimeLimit"] = "2h",
            ["BatchPool:Slurm:Partition"] = "batch",
        });
        var services = new ServiceCollection();
        services.AddBatchPool(config.GetSection("BatchPool"));
        await using var sp = services.BuildServiceProvider();
        var slurm = Assert.IsType<SlurmBackend>(sp.GetRequiredService<IBatchBackend>());
        Assert.Equal((TimeSpan.FromHours(2), "batch", 4), (slurm.TimeLimit, slurm.Partition, slurm.MaxParallelJobs));
        Assert.Equal(folder, Assert.IsType<BatchPool.Storage.FileSystemStorage>(slurm.Storage).RootPath);
        var defaults = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<BatchPoolOptions>>().Value.Executor;
        Assert.Equal((0.5, false), (defaults.CpusPerJob!.Value.Cores, defaults.CleanupBucket));
    }

    [Theory]
    [InlineData("BatchPool:Slurm:TimeLimit", "two hours")]
    [InlineData("BatchPool:MaxParallelJobs", "0")]
    [InlineData("BatchPool:CpusPerJob", "abc")]
    [InlineData("BatchPool:Backend", "mainframe")]
    public async Task A_bad_value_names_its_key_when_the_backend_is_made(string key, string value)
    {
        var config = Configuration(new() { ["BatchPool:Backend"] = "slurm", ["BatchPool:RemoteTmpdir"] = "/tmp/x", [key] = value });
        var services = new ServiceCollection();
        services.AddBatchPool(config.GetSection("BatchPool"));
        await using var sp = services.BuildServiceProvider();
        var refused = Assert.Throws<BatchPoolSettingException>(() => sp.GetRequiredService<BatchPoolExecutorFactory>());
        Assert.Equal((key, value), (refused.Setting, refused.Value));
    }

    [Fact]
    public async Task Options_in_code_choose_the_backend_and_the_factory_applies_them()
    {
        var services = new ServiceCollection();
        services.AddBatchPool(options =>
        {
            options.BackendFactory = _ => new LocalBackend(new LocalBackendOptions { MaxParallelJobs = 1, RecycleWorkers = false });
            options.Executor.Name = "from-code";
        });
        await using var sp = services.BuildServiceProvider();
        using var bpe = sp.GetRequiredService<BatchPoolExecutorFactory>().Create(cpusPerJob: 1);
        Assert.Equal("from-code", bpe.Name);
        Assert.Equal([1, 4, 9], bpe.Map(x => x * x, [1, 2, 3]));
        Assert.False(Assert.IsType<LocalBackend>(sp.GetRequiredService<IBatchBackend>()).RecycleWorkers);
    }

    [Fact]
    public async Task Stopping_the_host_stops_the_jobs_of_the_executors_it_made()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["BatchPool:Backend"] = "local", ["BatchPool:Local:RecycleWorkers"] = "false" });
        builder.Services.AddBatchPool(builder.Configuration.GetSection("BatchPool"));
        using var host = builder.Build();
        await host.StartAsync();
        var bpe = host.Services.GetRequiredService<BatchPoolExecutorFactory>().Create();
        var sleepers = Enumerable.Range(0, 4).Select(_ => bpe.Submit(() => Thread.Sleep(TimeSpan.FromMinutes(2)))).ToList();
        await Task.Delay(500);
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await host.StopAsync();
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(30), $"the host took {stopping.Elapsed} to stop");
        Assert.All(sleepers, future => Assert.True(future.Cancelled));
        Assert.Throws<ExecutorShutDownException>(() => bpe.Submit(() => 1));
    }
}
