using BatchPool.Backends;
using BatchPool.Backends.Slurm;
using BatchPool.Retries;
using BatchPool.Worker;

namespace BatchPool.Tests.Slurm;

/// <summary>
/// What Slurm's words about a job's end mean: its state, the job script's recorded exit code, squeue's raw wait status and
/// the log's words for a memory kill, read into a <see cref="BatchJobOutcome"/> (<see cref="SlurmJobEnd"/>), then into
/// the one retry decision's terms (<see cref="JobEndClassifier"/>, with no output found).
/// </summary>
public sealed class SlurmJobEndTests
{
    private const string MemoryKill = "slurmstepd: error: Exceeded job memory limit";

    // (case, Slurm's state or "" when a status file or Slurm's silence ended it, recorded exit code or -1 for none,
    //  squeue's wait status, unlisted, log tail) -> (state, exit code or -1, signal or -1, kind)
    public static TheoryData<string, string, int, int, bool, string, BatchJobState, int, int, string> Cases => new()
    {
        { "the script recorded 0", "", 0, 0, false, "", BatchJobState.Succeeded, 0, -1, nameof(JobEndKind.InfrastructureLost) },
        { "COMPLETED, recorded 0", "COMPLETED", 0, 0, false, "", BatchJobState.Succeeded, 0, -1, nameof(JobEndKind.InfrastructureLost) },
        { "COMPLETED but recorded 3", "COMPLETED", 3, 768, false, "", BatchJobState.Failed, 3, -1, nameof(JobEndKind.UserError) },
        { "FAILED, Environment.Exit(42)", "FAILED", 42, 42 << 8, false, "", BatchJobState.Failed, 42, -1, nameof(JobEndKind.UserError) },
        { "FAILED, no runtime on the node", "FAILED", WorkerProtocol.RuntimeMissing, WorkerProtocol.RuntimeMissing << 8, false, "", BatchJobState.Failed, WorkerProtocol.RuntimeMissing, -1, nameof(JobEndKind.UserError) },
        { "FAILED, the worker killed by SIGKILL (script saw 137)", "FAILED", 137, 137 << 8, false, "", BatchJobState.Failed, -1, 9, nameof(JobEndKind.InfrastructureLost) },
        { "FAILED, the script itself killed by SIGKILL", "FAILED", -1, 9, false, "", BatchJobState.Failed, -1, 9, nameof(JobEndKind.InfrastructureLost) },
        { "FAILED, no record, exit 1 in the wait status", "FAILED", -1, 1 << 8, false, "", BatchJobState.Failed, 1, -1, nameof(JobEndKind.UserError) },
        { "FAILED after the memory watchdog", "FAILED", -1, 9, false, MemoryKill, BatchJobState.OutOfMemory, -1, 9, nameof(JobEndKind.OutOfMemory) },
        { "CANCELLED after the memory watchdog", "CANCELLED", -1, 9, false, MemoryKill, BatchJobState.OutOfMemory, -1, 9, nameof(JobEndKind.OutOfMemory) },
        { "OUT_OF_MEMORY (cgroups)", "OUT_OF_MEMORY", -1, 9, false, "", BatchJobState.OutOfMemory, -1, 9, nameof(JobEndKind.OutOfMemory) },
        { "TIMEOUT", "TIMEOUT", -1, 15, false, "", BatchJobState.TimedOut, -1, 15, nameof(JobEndKind.TimedOut) },
        { "DEADLINE", "DEADLINE", -1, 0, false, "", BatchJobState.TimedOut, 0, -1, nameof(JobEndKind.TimedOut) },
        { "NODE_FAIL", "NODE_FAIL", -1, 0, false, "", BatchJobState.Lost, 0, -1, nameof(JobEndKind.InfrastructureLost) },
        { "BOOT_FAIL", "BOOT_FAIL", -1, 0, false, "", BatchJobState.Lost, 0, -1, nameof(JobEndKind.InfrastructureLost) },
        { "CANCELLED (scancel)", "CANCELLED", -1, 15, false, "", BatchJobState.Cancelled, -1, 15, nameof(JobEndKind.Cancelled) },
        { "PREEMPTED", "PREEMPTED", -1, 15, false, "", BatchJobState.Cancelled, -1, 15, nameof(JobEndKind.Cancelled) },
        { "unlisted, no record", "", -1, 0, true, "", BatchJobState.Lost, -1, -1, nameof(JobEndKind.InfrastructureLost) },
        { "unlisted, recorded 0", "", 0, 0, true, "", BatchJobState.Succeeded, 0, -1, nameof(JobEndKind.InfrastructureLost) },
        { "unlisted, recorded 2", "", 2, 0, true, "", BatchJobState.Failed, 2, -1, nameof(JobEndKind.UserError) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_jobs_end_in_slurms_words_means(string fault, string slurmState, int recorded, int waitStatus, bool unlisted, string log,
        BatchJobState state, int exitCode, int signal, string kind)
    {
        var slurm = slurmState.Length == 0 ? null : new SlurmTaskStatus(12, [3], slurmState, "Reason", "node2", waitStatus);
        var outcome = SlurmJobEnd.Of(new SlurmJobEvidence("12_3", recorded < 0 ? null : recorded, slurm, unlisted, LogTail: log));
        Assert.True((state, exitCode, signal) == (outcome.State, outcome.ExitCode ?? -1, outcome.Signal ?? -1),
            $"{fault}: expected {(state, exitCode, signal)}, got {(outcome.State, outcome.ExitCode, outcome.Signal)}");
        // An ended job's output decides first; these rows are the attempts that left none.
        var meaning = JobEndClassifier.Classify(outcome, OutputCheck.Missing);
        Assert.True(Enum.Parse<JobEndKind>(kind) == meaning, $"{fault}: expected {kind}, got {meaning}");
    }

    [Fact]
    public void Slurms_words_are_in_the_detail_and_what_a_memory_kill_or_a_missing_runtime_means_comes_first()
    {
        var failed = SlurmJobEnd.Of(new SlurmJobEvidence("12_3", null, new SlurmTaskStatus(12, [3], "NODE_FAIL", "batchpool-test", "node1", 0)));
        Assert.Equal("Slurm says NODE_FAIL (reason batchpool-test) on node node1", failed.Detail);
        var oom = SlurmJobEnd.Of(new SlurmJobEvidence("12_3", null, new SlurmTaskStatus(12, [3], "FAILED", "OutOfMemory", "node1", 9), LogTail: MemoryKill));
        Assert.StartsWith("out of memory: Slurm killed it for exceeding its memory limit; Slurm says FAILED", oom.Detail, StringComparison.Ordinal);
        Assert.Equal(MemoryKill, oom.LogTail);
        var runtime = SlurmJobEnd.Of(new SlurmJobEvidence("12_3", WorkerProtocol.RuntimeMissing, null));
        Assert.StartsWith($"the node has no .NET {WorkerDistribution.RuntimeVersion} runtime", runtime.Detail, StringComparison.Ordinal);
        var silent = SlurmJobEnd.Of(new SlurmJobEvidence("12_3", null, null, Unlisted: true, LastSqueueError: "squeue timed out"));
        Assert.Equal("Slurm no longer lists job 12_3, and the job left no exit status (last squeue error: squeue timed out)", silent.Detail);
    }

    public static TheoryData<string, bool, int, string, BatchJobState, int, bool> PackedCases => new()
    {
        // (case, started, own exit code or -1, task's Slurm state, state, exit code or -1, reads the log)
        { "recorded its success", true, 0, "FAILED", BatchJobState.Succeeded, 0, false },
        { "skipped, cancelled before it started", false, WorkerProtocol.CancelledBeforeStart, "COMPLETED", BatchJobState.Cancelled, WorkerProtocol.CancelledBeforeStart, false },
        { "recorded its failure", true, 42, "FAILED", BatchJobState.Failed, 42, true },
        { "running when its task died of SIGKILL", true, -1, "FAILED", BatchJobState.Failed, -1, true },
        { "running when its node failed", true, -1, "NODE_FAIL", BatchJobState.Lost, 0, true },
        { "never reached: its task ended first", false, -1, "CANCELLED", BatchJobState.Failed, -1, true },
    };

    [Theory]
    [MemberData(nameof(PackedCases))]
    public void A_packed_tasks_job_ends_by_its_own_record_else_as_its_task(string fault, bool started, int own, string taskState, BatchJobState state, int exitCode, bool readsLog)
    {
        var marks = new SlurmPackedJobMarks(started, own < 0 ? null : own);
        Assert.True(readsLog == SlurmJobEnd.NeedsLogTail(marks), fault);
        var outcome = SlurmJobEnd.Of(new SlurmJobEvidence("12_3", null, new SlurmTaskStatus(12, [3], taskState, "None", "node1", taskState == "NODE_FAIL" ? 0 : 9), Packed: marks));
        Assert.True((state, exitCode) == (outcome.State, outcome.ExitCode ?? -1), $"{fault}: expected {(state, exitCode)}, got {(outcome.State, outcome.ExitCode)}");
        if (!started && own < 0)
        {
            Assert.Contains("did not start: it shared Slurm array task 12_3", outcome.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("12_3.start", 12L, 3, -1, true)]
    [InlineData("12_3.exit", 12L, 3, -1, false)]
    [InlineData("4071_0.17.exit", 4071L, 0, 17, false)]
    [InlineData("4071_0.17.start", 4071L, 0, 17, true)]
    public void Status_file_names(string name, long arrayId, int task, int index, bool start) =>
        Assert.Equal(new SlurmStatusFileName(arrayId, task, index < 0 ? null : index, start), SlurmStatusFileName.Parse(Path.Combine("/shared/status", name)));

    [Theory]
    [InlineData("12_3.tmp")]
    [InlineData("12_3.x.exit")]
    [InlineData("12.exit")]
    [InlineData("a_3.exit")]
    public void Other_names_in_the_status_folder_are_not_status_files(string name) =>
        Assert.Null(SlurmStatusFileName.Parse(Path.Combine("/shared/status", name)));
}
