using BatchPool.Tests.Executor;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace BatchPool.Tests.Diagnostics;

/// <summary>What an executor logs, collected by a real logger (Microsoft.Extensions.Diagnostics.Testing's FakeLogger).</summary>
public sealed class LoggingTests
{
    [Fact]
    public void A_failed_job_is_logged_with_its_id_name_and_cause_between_the_executors_start_and_stop()
    {
        using var provider = new FakeLoggerProvider();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(provider).SetMinimumLevel(LogLevel.Trace));
        string name;
        BatchJobFailedException died;
        using (var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { LoggerFactory = loggers }))
        {
            name = bpe.Name;
            var throwing = bpe.Submit(() => int.Parse("not a number", System.Globalization.CultureInfo.InvariantCulture));
            var dying = bpe.Submit(() =>
            {
                Environment.Exit(3);
                return 0;
            });
            Assert.Equal(7, bpe.Submit(() => 7).Result());
            Assert.IsType<FormatException>(throwing.Exception());
            died = Assert.IsType<BatchJobFailedException>(dying.Exception());
        }

        var records = provider.Collector.GetSnapshot().Where(r => r.Category == typeof(BatchPoolExecutor).FullName).ToList();
        Assert.Equal("ExecutorStarted", records[0].Id.Name);
        Assert.Equal(1, records[0].Id.Id);
        Assert.Equal(name, records[0].GetStructuredStateValue("Executor"));
        Assert.Equal("local", records[0].GetStructuredStateValue("Backend"));
        Assert.Equal("ExecutorStopped", records[^1].Id.Name);
        Assert.Contains(records, r => r.Id.Name == "ExecutorStopping");

        var failures = records.Where(r => r.Id.Name == "JobFailed").ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, r =>
        {
            Assert.Equal(LogLevel.Error, r.Level);
            Assert.Equal(4, r.Id.Id);
            Assert.Equal(name, r.GetStructuredStateValue("Executor"));
            Assert.StartsWith("local-", r.GetStructuredStateValue("JobId"), StringComparison.Ordinal);
            Assert.StartsWith(name + "-", r.GetStructuredStateValue("JobName"), StringComparison.Ordinal);
        });
        var thrown = Assert.Single(failures, r => r.Exception is FormatException);
        Assert.StartsWith("System.FormatException: ", thrown.GetStructuredStateValue("Cause"), StringComparison.Ordinal);
        var dead = Assert.Single(failures, r => r.Exception is BatchJobFailedException);
        Assert.Equal(died.JobId, dead.GetStructuredStateValue("JobId"));
        Assert.Equal(died.JobName, dead.GetStructuredStateValue("JobName"));
        Assert.Contains("exit code 3", dead.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(records, r => r.Id.Name == "BackendError");
    }

    [Fact]
    public async Task Storage_that_refuses_a_jobs_input_is_logged_as_a_backend_error()
    {
        using var provider = new FakeLoggerProvider();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(provider));
        await using var backend = new TestBackend(payloadsThroughStorage: true);
        var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { LoggerFactory = loggers, Backend = backend.Backend });
        // The executor's folder becomes a regular file: every write into it fails (ENOTDIR), root or not.
        var folder = backend.FolderOf(bpe);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        await File.WriteAllTextAsync(folder, "not a folder");
        var error = Assert.ThrowsAny<IOException>(() => bpe.Submit(() => 1));
        var logged = Assert.Single(provider.Collector.GetSnapshot(), r => r.Id.Name == "BackendError");
        Assert.Equal("submitting jobs", logged.GetStructuredStateValue("Operation"));
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Same(error, logged.Exception);
        File.Delete(folder);
        await bpe.DisposeAsync();
    }
}
