using BatchPool.Backends;
using BatchPool.Retries;
using BatchPool.Worker;

namespace BatchPool.Tests.Retries;

/// <summary>What an ended attempt means, for every backend's words: the table the retry decision reads.</summary>
public sealed class JobEndClassifierTests
{
    public static TheoryData<string, BatchJobOutcome, string, string> Cases => new()
    {
        // An output that authenticates is taken, whatever the engine says: the function's own exception travels in it.
        { "output read", new(BatchJobState.Succeeded, 0), nameof(OutputCheck.Read), nameof(JobEndKind.Succeeded) },
        { "output read after a late kill", new(BatchJobState.Failed, Signal: 9), nameof(OutputCheck.Read), nameof(JobEndKind.Succeeded) },
        { "too few outcomes", new(BatchJobState.Succeeded, 0), nameof(OutputCheck.Incomplete), nameof(JobEndKind.UserError) },
        { "truncated or tampered result file", new(BatchJobState.Succeeded, 0), nameof(OutputCheck.Rejected), nameof(JobEndKind.InfrastructureLost) },
        { "storage failed reading the result", new(BatchJobState.Succeeded, 0), nameof(OutputCheck.Unreadable), nameof(JobEndKind.InfrastructureLost) },
        { "exit 0 and no output", new(BatchJobState.Succeeded, 0), nameof(OutputCheck.Missing), nameof(JobEndKind.InfrastructureLost) },
        // Local worker process and Docker container killed by a signal we did not send.
        { "kill -9 of a worker", new(BatchJobState.Failed, Signal: 9, Detail: "the worker process 12 was killed by SIGKILL"), nameof(OutputCheck.Missing), nameof(JobEndKind.InfrastructureLost) },
        { "SIGABRT of a worker", new(BatchJobState.Failed, Signal: 6), nameof(OutputCheck.Missing), nameof(JobEndKind.InfrastructureLost) },
        { "exit 137 reported as a code", new(BatchJobState.Failed, 137), nameof(OutputCheck.Missing), nameof(JobEndKind.InfrastructureLost) },
        { "exit 143 reported as a code", new(BatchJobState.Failed, 143), nameof(OutputCheck.Missing), nameof(JobEndKind.InfrastructureLost) },
        // The engine could not create or start it: no exit code, no signal.
        { "engine error starting it", new(BatchJobState.Failed, Detail: "its container could not be created"), nameof(OutputCheck.Missing), nameof(JobEndKind.InfrastructureLost) },
        { "worker lost (stopped answering)", new(BatchJobState.Lost), nameof(OutputCheck.Missing), nameof(JobEndKind.InfrastructureLost) },
        { "Slurm NODE_FAIL", new(BatchJobState.Lost, Detail: "Slurm says NODE_FAIL"), nameof(OutputCheck.NotLookedFor), nameof(JobEndKind.InfrastructureLost) },
        { "output not written (disk full)", new(BatchJobState.Failed, WorkerProtocol.OutputNotWritten), nameof(OutputCheck.Missing), nameof(JobEndKind.InfrastructureLost) },
        { "the worker gave up on a stale client lease", new(BatchJobState.Failed, WorkerProtocol.ClientGone), nameof(OutputCheck.Missing), nameof(JobEndKind.InfrastructureLost) },
        { "OOM kill", new(BatchJobState.OutOfMemory, Signal: 9), nameof(OutputCheck.Missing), nameof(JobEndKind.OutOfMemory) },
        { "Slurm TIMEOUT", new(BatchJobState.TimedOut), nameof(OutputCheck.Missing), nameof(JobEndKind.TimedOut) },
        { "cancelled outside (scancel, docker rm)", new(BatchJobState.Cancelled), nameof(OutputCheck.NotLookedFor), nameof(JobEndKind.Cancelled) },
        { "cancelled with a signal", new(BatchJobState.Cancelled, Signal: 9), nameof(OutputCheck.NotLookedFor), nameof(JobEndKind.Cancelled) },
        // The worker said no itself, or the function ended the process: the same again if retried.
        { "the function called Environment.Exit(3)", new(BatchJobState.Failed, 3), nameof(OutputCheck.Missing), nameof(JobEndKind.UserError) },
        { "the function called Environment.Exit(1)", new(BatchJobState.Failed, 1), nameof(OutputCheck.Missing), nameof(JobEndKind.UserError) },
        { "bad worker arguments", new(BatchJobState.Failed, WorkerProtocol.BadArguments), nameof(OutputCheck.Missing), nameof(JobEndKind.UserError) },
        { "input refused", new(BatchJobState.Failed, WorkerProtocol.InputRefused), nameof(OutputCheck.Missing), nameof(JobEndKind.UserError) },
        { "no .NET runtime on the node", new(BatchJobState.Failed, WorkerProtocol.RuntimeMissing), nameof(OutputCheck.Missing), nameof(JobEndKind.UserError) },
        { "exit 128 (not a signal)", new(BatchJobState.Failed, 128), nameof(OutputCheck.Missing), nameof(JobEndKind.UserError) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classifies(string fault, BatchJobOutcome outcome, string output, string expected)
    {
        var kind = JobEndClassifier.Classify(outcome, Enum.Parse<OutputCheck>(output));
        Assert.True(Enum.Parse<JobEndKind>(expected) == kind, $"{fault}: expected {expected}, got {kind}");
    }

    [Theory]
    [InlineData(BatchJobState.Cancelled)]
    [InlineData(BatchJobState.Failed)]
    [InlineData(BatchJobState.Lost)]
    public void A_job_the_executor_stopped_for_its_timeout_timed_out_whatever_the_engine_says(BatchJobState state) =>
        Assert.Equal(JobEndKind.TimedOut, JobEndClassifier.Classify(new BatchJobOutcome(state, Signal: 9), OutputCheck.NotLookedFor, timedOutHere: true));

    [Theory]
    [InlineData(nameof(JobEndKind.InfrastructureLost), true)]
    [InlineData(nameof(JobEndKind.OutOfMemory), true)]
    [InlineData(nameof(JobEndKind.Succeeded), false)]
    [InlineData(nameof(JobEndKind.UserError), false)]
    [InlineData(nameof(JobEndKind.Cancelled), false)]
    [InlineData(nameof(JobEndKind.TimedOut), false)]
    public void Only_infrastructure_losses_are_retried(string kind, bool retried) =>
        Assert.Equal(retried, RetryPolicy.IsRetryable(Enum.Parse<JobEndKind>(kind)));

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(3, 1, true)]
    [InlineData(3, 2, true)]
    [InlineData(3, 3, false)]
    [InlineData(5, 4, true)]
    public void A_lost_job_runs_up_to_max_attempts_in_all(int maxAttempts, int attemptsMade, bool retried) =>
        Assert.Equal(retried, new RetryPolicy(maxAttempts).ShouldRetry(JobEndKind.InfrastructureLost, attemptsMade));

    [Theory]
    [InlineData(2, 200)]
    [InlineData(3, 400)]
    [InlineData(4, 800)]
    [InlineData(8, 10_000)]
    [InlineData(1000, 10_000)]
    public void Backoff_doubles_from_200_ms_up_to_10_s(int nextAttempt, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), RetryPolicy.DelayBefore(nextAttempt));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Max_attempts_below_1_is_refused_at_construction(int maxAttempts)
    {
        var error = Assert.Throws<BatchPoolSettingException>(() => new BatchPoolExecutor(new BatchPoolExecutorOptions { MaxAttempts = maxAttempts }));
        Assert.Equal("BatchPoolExecutorOptions.MaxAttempts", error.Setting);
        Assert.Contains("1 or more", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_job_timeout_of_zero_or_less_is_refused_at_construction(int seconds)
    {
        var error = Assert.Throws<BatchPoolSettingException>(() => new BatchPoolExecutor(new BatchPoolExecutorOptions { JobTimeout = TimeSpan.FromSeconds(seconds) }));
        Assert.Equal("BatchPoolExecutorOptions.JobTimeout", error.Setting);
        Assert.Contains("above zero", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Max_attempts_and_job_timeout_are_read_from_configuration()
    {
        var options = new BatchPoolExecutorOptions();
        var values = new Dictionary<string, string> { ["MaxAttempts"] = "5", ["JobTimeout"] = "90s" };
        options.Read(BatchPool.Configuration.SettingSource.From(o => values.GetValueOrDefault(o), o => $"BatchPool:{o}"));
        Assert.Equal(5, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(90), options.JobTimeout);
        values["MaxAttempts"] = "0";
        var error = Assert.Throws<BatchPoolSettingException>(() => options.Read(BatchPool.Configuration.SettingSource.From(o => values.GetValueOrDefault(o), o => $"BatchPool:{o}")));
        Assert.Equal("BatchPool:MaxAttempts", error.Setting);
    }
}
