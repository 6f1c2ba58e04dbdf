using BatchPool.Configuration;

namespace BatchPool.Tests.Configuration;

/// <summary>Settings from the environment and from options: each bad value is refused at construction, naming the setting.</summary>
public sealed class SettingsTests
{
    private static IBatchBackend? FromEnvironment(params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(v => v.Name, v => v.Value);
        return BackendSelection.Create(environment.GetValueOrDefault);
    }

    private static BatchPoolSettingException Refused(params (string Name, string Value)[] variables) =>
        Assert.Throws<BatchPoolSettingException>(() => FromEnvironment(variables));

    [Theory]
    [InlineData("90", 90 * 60)]
    [InlineData("2h", 2 * 3600)]
    [InlineData("45s", 45)]
    [InlineData("1.5h", 90 * 60)]
    [InlineData("1d", 86400)]
    [InlineData("0:30:00", 1800)]
    [InlineData("1-12:00:00", 36 * 3600)]
    [InlineData("1.02:00:00", 26 * 3600)]
    public void Durations_are_read_in_every_usual_notation(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), SettingReader.ParseDuration(text, TimeSpan.FromMinutes(1)));

    [Theory]
    [InlineData("two hours")]
    [InlineData("2x")]
    [InlineData("-5:00")]
    [InlineData("")]
    public void Durations_that_are_none_are_refused(string text) =>
        Assert.ThrowsAny<FormatException>(() => SettingReader.ParseDuration(text, TimeSpan.FromMinutes(1)));

    [Theory]
    [InlineData("MaxParallelJobs", "MAX_PARALLEL_JOBS")]
    [InlineData("TimeLimit", "TIME_LIMIT")]
    [InlineData("RemoteTmpdir", "REMOTE_TMPDIR")]
    [InlineData("Qos", "QOS")]
    public void Options_are_named_in_snake_case_in_the_environment(string option, string variable) =>
        Assert.Equal(variable, SettingSource.SnakeCase(option));

    [Fact]
    public void An_unknown_backend_names_the_variable_and_the_backends_there_are()
    {
        var refused = Refused(("BATCHPOOL_BACKEND", "mainframe:/x"));
        Assert.Equal("BATCHPOOL_BACKEND='mainframe:/x'", refused.Setting);
        Assert.Contains("local, slurm, docker", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Slurm_without_its_folder_is_refused()
    {
        var refused = Refused(("BATCHPOOL_BACKEND", "slurm"));
        Assert.Contains("slurm:/shared/folder", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_time_limit_of_2h_is_two_hours_and_a_malformed_one_names_its_variable()
    {
        await using var backend = Assert.IsType<SlurmBackend>(FromEnvironment(("BATCHPOOL_BACKEND", "slurm:/tmp/x"), ("BATCHPOOL_SLURM_TIME_LIMIT", "2h")));
        Assert.Equal(TimeSpan.FromHours(2), backend.TimeLimit);

        var refused = Refused(("BATCHPOOL_BACKEND", "slurm:/tmp/x"), ("BATCHPOOL_SLURM_TIME_LIMIT", "soon"));
        Assert.Equal(("BATCHPOOL_SLURM_TIME_LIMIT", "soon"), (refused.Setting, refused.Value));
        Assert.Contains("2h", refused.Message, StringComparison.Ordinal);
        Assert.IsType<FormatException>(refused.InnerException);
    }

    [Theory]
    [InlineData("BATCHPOOL_SLURM_MEMORY_PER_JOB", "lots")]
    [InlineData("BATCHPOOL_SLURM_MEMORY", "4 GB")]
    [InlineData("BATCHPOOL_SLURM_MAX_ARRAY_TASKS", "0")]
    [InlineData("BATCHPOOL_SLURM_MAX_PARALLEL_JOBS", "-1")]
    public void Malformed_slurm_settings_name_their_variable(string variable, string value)
    {
        var refused = Refused(("BATCHPOOL_BACKEND", "slurm:/tmp/x"), (variable, value));
        Assert.Equal((variable, value), (refused.Setting, refused.Value));
    }

    [Fact]
    public async Task Older_slurm_variables_still_work_and_new_ones_win()
    {
        await using var backend = Assert.IsType<SlurmBackend>(FromEnvironment(
            ("BATCHPOOL_BACKEND", "slurm:/tmp/x"),
            ("BATCHPOOL_SLURM_MEMORY", "1G"),
            ("BATCHPOOL_SLURM_SBATCH_ARGS", "--nice=1"),
            ("BATCHPOOL_SLURM_EXTRA_SBATCH_ARGS", "--nice=2 --comment=x"),
            ("BATCHPOOL_SLURM_MAX_PARALLEL_JOBS", "3")));
        Assert.Equal("1G", backend.MemoryPerJob);
        Assert.Equal(["--nice=2", "--comment=x"], backend.ExtraSbatchArgs);
        Assert.Equal(3, backend.MaxParallelJobs);
    }

    [Theory]
    [InlineData("BATCHPOOL_LOCAL_MAX_PARALLEL_JOBS", "0")]
    [InlineData("BATCHPOOL_LOCAL_MAX_PARALLEL_JOBS", "many")]
    [InlineData("BATCHPOOL_LOCAL_RECYCLE_WORKERS", "perhaps")]
    [InlineData("BATCHPOOL_LOCAL_SPARE_WORKER_LIFETIME", "a while")]
    public void Malformed_local_settings_name_their_variable(string variable, string value)
    {
        var refused = Refused(("BATCHPOOL_BACKEND", "local"), (variable, value));
        Assert.Equal((variable, value), (refused.Setting, refused.Value));
    }

    [Fact]
    public async Task Local_options_come_from_their_variables()
    {
        await using var backend = Assert.IsType<LocalBackend>(FromEnvironment(
            ("BATCHPOOL_BACKEND", "local:/tmp/batchpool-settings"),
            ("BATCHPOOL_LOCAL_RECYCLE_WORKERS", "false"),
            ("BATCHPOOL_LOCAL_SPARE_WORKER_LIFETIME", "5s")));
        Assert.Equal((false, TimeSpan.FromSeconds(5)), (backend.RecycleWorkers, backend.SpareWorkerLifetime));
        Assert.Equal("/tmp/batchpool-settings", Assert.IsType<BatchPool.Storage.FileSystemStorage>(backend.Storage).RootPath);
    }

    [Fact]
    public async Task Docker_is_chosen_by_name_with_its_options()
    {
        await using var backend = Assert.IsType<DockerBackend>(FromEnvironment(
            ("BATCHPOOL_BACKEND", "docker"),
            ("BATCHPOOL_DOCKER_REUSE_CONTAINERS", "true"),
            ("BATCHPOOL_DOCKER_DOCKER_ENDPOINT", "unix:///run/other.sock")));
        Assert.True(backend.ReuseContainers);
        Assert.Equal("unix:///run/other.sock", backend.Endpoint);

        var refused = Refused(("BATCHPOOL_BACKEND", "docker:/tmp/x"), ("BATCHPOOL_DOCKER_MEMORY_PER_JOB", "1k"));
        Assert.Equal("BATCHPOOL_DOCKER_MEMORY_PER_JOB", refused.Setting);
        Assert.Contains("6 MiB", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_in_code_are_checked_at_construction_and_named_by_property()
    {
        Assert.Equal("LocalBackendOptions.MaxParallelJobs", Assert.Throws<BatchPoolSettingException>(() => new LocalBackend(new LocalBackendOptions { MaxParallelJobs = 0 })).Setting);
        Assert.Equal("SlurmBackendOptions.RemoteTmpdir", Assert.Throws<BatchPoolSettingException>(() => new SlurmBackend(new SlurmBackendOptions())).Setting);
        Assert.Equal("SlurmBackendOptions.TimeLimit", Assert.Throws<BatchPoolSettingException>(() => new SlurmBackend(new SlurmBackendOptions { RemoteTmpdir = "/tmp/x", TimeLimit = TimeSpan.Zero })).Setting);
        Assert.Equal("DockerBackendOptions.MemoryPerJob", Assert.Throws<BatchPoolSettingException>(() => new DockerBackend(new DockerBackendOptions { MemoryPerJob = "plenty" })).Setting);
        // The constructors with parameters name the parameter.
        Assert.Equal("memoryPerJob", Assert.Throws<BatchPoolSettingException>(() => new SlurmBackend("/tmp/x", memoryPerJob: "4 GB")).Setting);
        Assert.Equal("name", Assert.Throws<BatchPoolSettingException>(() => new BatchPoolExecutor(name: "no spaces")).Setting);
        Assert.Equal("BatchPoolExecutorOptions.Name", Assert.Throws<BatchPoolSettingException>(() => new BatchPoolExecutor(new BatchPoolExecutorOptions { Name = ".hidden" })).Setting);
    }

    [Fact]
    public void A_cpu_count_that_is_not_one_names_its_setting()
    {
        var options = new BatchPoolExecutorOptions();
        var refused = Assert.Throws<BatchPoolSettingException>(() => options.Read(SettingSource.From(key => key == "CpusPerJob" ? "abc" : null, key => "BatchPool:" + key)));
        Assert.Equal(("BatchPool:CpusPerJob", "abc"), (refused.Setting, refused.Value));
        Assert.Contains("250m", refused.Message, StringComparison.Ordinal);
    }
}
