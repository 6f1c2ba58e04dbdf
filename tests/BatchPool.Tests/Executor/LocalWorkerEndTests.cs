using BatchPool.Backends;
using BatchPool.Backends.Local;
using BatchPool.Retries;
using BatchPool.Worker;

namespace BatchPool.Tests.Executor;

/// <summary>What a local worker's answer or death means, down to what the executor makes of it: the slot's table.</summary>
public sealed class LocalWorkerEndTests
{
    private const int ProcessId = 4242;

    /// <summary>Answers: the job's exit code as the worker answered it; the state, and what the executor makes of it without an output.</summary>
    public static TheoryData<string, int, string, string> Answers => new()
    {
        { "the job ran (its calls' outcomes, exceptions included, in its output)", WorkerProtocol.Succeeded, nameof(BatchJobState.Succeeded), nameof(JobEndKind.InfrastructureLost) },
        { "skipped: cancelled before it started", WorkerProtocol.CancelledBeforeStart, nameof(BatchJobState.Cancelled), nameof(JobEndKind.Cancelled) },
        { "bad arguments", WorkerProtocol.BadArguments, nameof(BatchJobState.Failed), nameof(JobEndKind.UserError) },
        { "input refused", WorkerProtocol.InputRefused, nameof(BatchJobState.Failed), nameof(JobEndKind.UserError) },
        { "output not written (a full disk)", WorkerProtocol.OutputNotWritten, nameof(BatchJobState.Failed), nameof(JobEndKind.InfrastructureLost) },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void An_answer(string situation, int exitCode, string state, string kind)
    {
        var log = new LogTail(4);
        log.Add("the worker's last line");
        var outcome = LocalWorkerEnd.OfAnswer(exitCode, new byte[] { 1 }, log);
        Assert.True(Enum.Parse<BatchJobState>(state) == outcome.State, $"{situation}: expected {state}, got {outcome.State}");
        Assert.True(Enum.Parse<JobEndKind>(kind) == JobEndClassifier.Classify(outcome, OutputCheck.Missing), situation);
        // A failed job carries the log tail; the others need none.
        Assert.Equal(outcome.State == BatchJobState.Failed ? "the worker's last line" : null, outcome.LogTail);
    }

    /// <summary>Deaths: the process's exit code, killed on purpose, killed for this job; the state, exit code, signal and kind.</summary>
    public static TheoryData<string, int, bool, bool, string, int?, int?, string> Deaths => new()
    {
        { "kill -9 by someone else (the OOM killer)", 137, false, false, nameof(BatchJobState.Failed), null, 9, nameof(JobEndKind.InfrastructureLost) },
        { "SIGABRT (FailFast, a native crash)", 134, false, false, nameof(BatchJobState.Failed), null, 6, nameof(JobEndKind.InfrastructureLost) },
        { "Environment.Exit(3) in the function", 3, false, false, nameof(BatchJobState.Failed), 3, null, nameof(JobEndKind.UserError) },
        { "gave up on a stale client lease", WorkerProtocol.ClientGone, false, false, nameof(BatchJobState.Failed), WorkerProtocol.ClientGone, null, nameof(JobEndKind.InfrastructureLost) },
        { "killed to cancel this job", 137, true, true, nameof(BatchJobState.Cancelled), null, 9, nameof(JobEndKind.Cancelled) },
        { "killed to cancel the job before it, whose end raced the cancel", 137, true, false, nameof(BatchJobState.Lost), null, 9, nameof(JobEndKind.InfrastructureLost) },
        { "exited by itself, though also killed to cancel it", 3, true, true, nameof(BatchJobState.Cancelled), 3, null, nameof(JobEndKind.Cancelled) },
    };

    [Theory]
    [MemberData(nameof(Deaths))]
    public void A_death(string situation, int exitCode, bool killedOnPurpose, bool killedForThisJob, string state, int? reportedExitCode, int? signal, string kind)
    {
        var died = LocalWorkerEnd.OfExit(ProcessId, exitCode, killedOnPurpose, "the last lines", signalsAsExitCodes: true);
        var outcome = LocalWorkerEnd.OfHeadJob(new WorkerReply(WorkerReplyKind.Died, died), killedForThisJob);
        Assert.True(Enum.Parse<BatchJobState>(state) == outcome.State, $"{situation}: expected {state}, got {outcome.State}");
        Assert.Equal(reportedExitCode, outcome.ExitCode);
        Assert.Equal(signal, outcome.Signal);
        Assert.Equal("the last lines", outcome.LogTail);
        Assert.Contains($"{ProcessId}", outcome.Detail, StringComparison.Ordinal);
        Assert.True(Enum.Parse<JobEndKind>(kind) == JobEndClassifier.Classify(outcome, OutputCheck.Missing), situation);
    }

    [Fact]
    public void A_SIGKILL_not_ours_names_the_out_of_memory_killer_and_exit_codes_are_not_signals_off_Unix()
    {
        Assert.Contains("out-of-memory killer", LocalWorkerEnd.OfExit(ProcessId, 137, killedOnPurpose: false, "", signalsAsExitCodes: true).Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("out-of-memory", LocalWorkerEnd.OfExit(ProcessId, 137, killedOnPurpose: true, "", signalsAsExitCodes: true).Detail, StringComparison.Ordinal);
        var windows = LocalWorkerEnd.OfExit(ProcessId, 137, killedOnPurpose: false, "", signalsAsExitCodes: false);
        Assert.Equal((137, (int?)null), (windows.ExitCode!.Value, windows.Signal));
    }

    [Fact]
    public void An_answer_that_ended_the_job_is_reported_as_it_is_whoever_was_cancelled()
    {
        var ended = LocalWorkerEnd.OfAnswer(WorkerProtocol.CancelledBeforeStart, default, new LogTail(1));
        Assert.Same(ended, LocalWorkerEnd.OfHeadJob(new WorkerReply(WorkerReplyKind.Ended, ended), killedForThisJob: false));
    }
}
