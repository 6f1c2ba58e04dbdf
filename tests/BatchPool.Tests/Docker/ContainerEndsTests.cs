using BatchPool.Backends;
using BatchPool.Docker;
using BatchPool.Retries;
using BatchPool.Worker;

namespace BatchPool.Tests.Docker;

/// <summary>
/// What a container's end means: the Docker session's pure decision (<see cref="ContainerEnds"/>), and then the one every
/// backend shares (<see cref="JobEndClassifier"/>), which says whether the job is retried.
/// </summary>
public sealed class ContainerEndsTests
{
    private const string Image = "ghcr.io/batchpool/worker:10.0";

    /// <summary>What the session saw and what the executor found of the output (an <c>OutputCheck</c>); what that reads as, and means (a <c>JobEndKind</c>).</summary>
    public sealed record Case(long ExitCode, bool OomKilled, string? EngineError, bool CancelledHere, string Log, string Output,
        BatchJobState State, int? Code, int? Signal, string Detail, string Kind);

    public static TheoryData<string, Case> Cases => new()
    {
        { "the worker wrote its output and exited 0", new(0, false, null, false, "", nameof(OutputCheck.Read), BatchJobState.Succeeded, 0, null, "", nameof(JobEndKind.Succeeded)) },
        { "exit 0 and no output (Environment.Exit(0) in the function)", new(0, false, null, false, "", nameof(OutputCheck.Missing), BatchJobState.Succeeded, 0, null, "", nameof(JobEndKind.InfrastructureLost)) },
        { "docker kill", new(137, false, null, false, "", nameof(OutputCheck.Missing), BatchJobState.Failed, null, 9, "killed by signal 9 (SIGKILL)", nameof(JobEndKind.InfrastructureLost)) },
        { "docker kill after the output was written", new(137, false, null, false, "", nameof(OutputCheck.Read), BatchJobState.Failed, null, 9, "killed by signal 9", nameof(JobEndKind.Succeeded)) },
        { "the engine stopped with its containers (dockerd restart)", new(143, false, null, false, "", nameof(OutputCheck.Missing), BatchJobState.Failed, null, 15, "killed by signal 15", nameof(JobEndKind.InfrastructureLost)) },
        { "our own cancel", new(137, false, null, true, "", nameof(OutputCheck.NotLookedFor), BatchJobState.Cancelled, null, 9, "cancelled: container c was killed", nameof(JobEndKind.Cancelled)) },
        { "our own cancel of a job that exited 0 meanwhile", new(0, false, null, true, "", nameof(OutputCheck.Read), BatchJobState.Succeeded, 0, null, "", nameof(JobEndKind.Succeeded)) },
        { "over its memory limit", new(137, true, null, false, "", nameof(OutputCheck.Missing), BatchJobState.OutOfMemory, null, 9, "memory limit of 64 MiB (memoryPerJob)", nameof(JobEndKind.OutOfMemory)) },
        { "over its memory limit while we cancelled it", new(137, true, null, true, "", nameof(OutputCheck.NotLookedFor), BatchJobState.OutOfMemory, null, 9, "out of memory", nameof(JobEndKind.OutOfMemory)) },
        { "no dotnet in the image", new(127, false, null, false, "exec dotnet failed: No such file or directory", nameof(OutputCheck.Missing), BatchJobState.Failed, WorkerProtocol.RuntimeMissing, null, "has no .NET runtime (exit code 127)", nameof(JobEndKind.UserError)) },
        { "exit 127 of the function itself", new(127, false, null, false, "", nameof(OutputCheck.Missing), BatchJobState.Failed, 127, null, "exited with code 127", nameof(JobEndKind.UserError)) },
        { "another .NET runtime in the image", new(0x96, false, null, false, "", nameof(OutputCheck.Missing), BatchJobState.Failed, WorkerProtocol.RuntimeMissing, null, "no .NET runtime that runs the worker (exit code 150)", nameof(JobEndKind.UserError)) },
        { "the host says to install .NET", new(1, false, null, false, "You must install or update .NET to run this application.", nameof(OutputCheck.Missing), BatchJobState.Failed, WorkerProtocol.RuntimeMissing, null, "no .NET runtime that runs the worker", nameof(JobEndKind.UserError)) },
        { "the function called Environment.Exit(3)", new(3, false, null, false, "", nameof(OutputCheck.Missing), BatchJobState.Failed, 3, null, "exited with code 3", nameof(JobEndKind.UserError)) },
        { "an exit code with the engine's error", new(1, false, "mount failed", false, "", nameof(OutputCheck.Missing), BatchJobState.Failed, 1, null, "the engine says: mount failed", nameof(JobEndKind.UserError)) },
        { "exit 255 (not a signal)", new(255, false, null, false, "", nameof(OutputCheck.Missing), BatchJobState.Failed, 255, null, "exited with code 255", nameof(JobEndKind.UserError)) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_container_end_reads_as(string fault, Case c)
    {
        var outcome = ContainerEnds.OutcomeOf(new ContainerEndFacts("c", c.ExitCode, c.OomKilled, c.EngineError, c.CancelledHere, c.Log), Image, 64L << 20);
        Assert.True(c.State == outcome.State, $"{fault}: state {outcome.State}, expected {c.State}");
        Assert.True(c.Code == outcome.ExitCode && c.Signal == outcome.Signal, $"{fault}: exit {outcome.ExitCode} signal {outcome.Signal}, expected {c.Code} {c.Signal}");
        Assert.Contains(c.Detail, outcome.Detail ?? "", StringComparison.Ordinal);
        Assert.Equal(c.Log, outcome.LogTail ?? "");
        var meaning = JobEndClassifier.Classify(outcome, Enum.Parse<OutputCheck>(c.Output));
        Assert.True(Enum.Parse<JobEndKind>(c.Kind) == meaning, $"{fault}: {meaning}, expected {c.Kind}");
    }

    [Fact]
    public void Without_a_memory_limit_an_out_of_memory_end_says_so() =>
        Assert.Contains("over the memory it could get", ContainerEnds.OutcomeOf(new ContainerEndFacts("c", 137, true, null, false, ""), Image, null).Detail, StringComparison.Ordinal);

    [Theory]
    [InlineData("Error: executable file not found in $PATH", "has no .NET runtime")]
    [InlineData("OCI runtime create failed: no such file or directory", "has no .NET runtime")]
    [InlineData("port is already allocated", "could not start from image")]
    public void A_container_that_could_not_start_is_lost_to_the_infrastructure_unless_the_image_cannot_run_the_worker(string engineMessage, string words)
    {
        var outcome = ContainerEnds.StartFailed(Image, engineMessage, "log");
        Assert.Contains(words, outcome.Detail, StringComparison.Ordinal);
        // No exit code, no signal: the executor runs it again (as it does any engine failure to start a job).
        Assert.Equal(JobEndKind.InfrastructureLost, JobEndClassifier.Classify(outcome, OutputCheck.Missing));
    }

    [Fact]
    public void A_container_that_could_not_be_created_or_that_the_engine_lost_is_run_again()
    {
        Assert.Equal(JobEndKind.InfrastructureLost, JobEndClassifier.Classify(ContainerEnds.CreateFailed(Image, "no space left"), OutputCheck.Missing));
        Assert.Equal(JobEndKind.InfrastructureLost, JobEndClassifier.Classify(ContainerEnds.EngineLost("c", "No such container"), OutputCheck.Missing));
        Assert.Equal(JobEndKind.Cancelled, JobEndClassifier.Classify(ContainerEnds.ShutDownBeforeStart, OutputCheck.NotLookedFor));
    }

    /// <summary>A reused container's exec'd job: exit code, container still running, OOM, cancelled here → not run at all, the container died under it, keep the container.</summary>
    [Theory]
    [InlineData(0, true, false, false, false, false, true)]
    [InlineData(1, true, false, false, false, false, true)]
    [InlineData(137, true, false, false, false, false, false)]
    [InlineData(137, false, false, false, false, true, false)]
    [InlineData(0, false, false, false, false, false, false)]
    [InlineData(137, true, true, false, false, false, false)]
    [InlineData(137, false, false, true, false, false, false)]
    [InlineData(1, true, false, true, false, false, false)]
    // docker kill as the exec starts: 126 while the engine still says running (a ContainerKillTests case).
    [InlineData(126, true, false, false, true, false, false)]
    // 126 from a container already stopped (its worker died: no runtime for it, or killed before): its end says why.
    [InlineData(126, false, false, false, false, true, false)]
    [InlineData(126, true, false, true, false, false, false)]
    public void A_reused_containers_job_end(long code, bool running, bool oom, bool cancelled, bool notRun, bool containerDied, bool keep) =>
        Assert.Equal((notRun, containerDied, keep), ContainerEnds.ExecEnd(code, running, oom, cancelled));

    [Fact]
    public void A_job_the_engine_could_not_run_in_a_reused_container_is_run_again() =>
        Assert.Equal(JobEndKind.InfrastructureLost, JobEndClassifier.Classify(ContainerEnds.NotRunIn("c", "OCI runtime exec failed"), OutputCheck.Missing));
}
