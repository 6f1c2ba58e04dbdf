using BatchPool.Backends.Slurm;

namespace BatchPool.Tests.Slurm;

/// <summary>Reading squeue's fixed-width status lines, as Slurm 22.05 prints them.</summary>
public sealed class SlurmStatusLineTests
{
    private static string Line(string id, string state, string reason, string nodes, string waitStatus) =>
        id.PadRight(48) + state.PadRight(24) + reason.PadRight(48) + nodes.PadRight(256) + waitStatus.PadRight(12);

    [Fact]
    public void A_finished_task_with_its_node_and_raw_wait_status()
    {
        var status = SlurmSqueueOutput.Parse(Line("12_3", "FAILED", "NonZeroExitCode", "node2", "768"));
        Assert.Equal(new SlurmTaskStatus(12, status!.Tasks, "FAILED", "NonZeroExitCode", "node2", 768), status);
        Assert.Equal([3], status.Tasks);
    }

    [Fact]
    public void Pending_tasks_not_yet_split_off_their_array_have_no_node()
    {
        var status = SlurmSqueueOutput.Parse(Line("40_[2-4,7,9-10%5]", "PENDING", "Resources", "", "0"))!;
        Assert.Equal([2, 3, 4, 7, 9, 10], status.Tasks);
        Assert.Equal(("PENDING", ""), (status.State, status.Nodes));
    }

    [Fact]
    public void A_job_that_is_no_array_is_task_zero()
    {
        Assert.Equal([0], SlurmSqueueOutput.Parse(Line("77", "COMPLETED", "None", "node1", "0"))!.Tasks);
        Assert.Null(SlurmSqueueOutput.Parse("garbage"));
    }

    [Theory]
    [InlineData("COMPLETED", BatchPool.Backends.BatchJobState.Succeeded)]
    [InlineData("TIMEOUT", BatchPool.Backends.BatchJobState.TimedOut)]
    [InlineData("NODE_FAIL", BatchPool.Backends.BatchJobState.Lost)]
    [InlineData("OUT_OF_MEMORY", BatchPool.Backends.BatchJobState.OutOfMemory)]
    [InlineData("CANCELLED", BatchPool.Backends.BatchJobState.Cancelled)]
    [InlineData("COMPLETING", BatchPool.Backends.BatchJobState.Running)]
    [InlineData("PENDING", BatchPool.Backends.BatchJobState.Queued)]
    public void Slurm_states_in_batchpool_terms(string slurm, BatchPool.Backends.BatchJobState expected) =>
        Assert.Equal(expected, SlurmStates.Classify(slurm));

    [Fact]
    public void The_cpus_of_a_partition_or_of_the_default_one_come_from_sinfos_totals()
    {
        const string Output = "batch* 2/6/0/8\ngpu 0/16/0/16\ngpu 1/3/0/4\n";
        Assert.Equal(8, SlurmCommandLine.CpusOf(Output, partition: null));
        Assert.Equal(20, SlurmCommandLine.CpusOf(Output, "gpu"));
        Assert.Null(SlurmCommandLine.CpusOf(Output, "none"));
        Assert.Null(SlurmCommandLine.CpusOf("", partition: null));
    }
}
