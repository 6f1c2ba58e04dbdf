using System.Globalization;
using BatchPool.Tests.Slurm;

namespace BatchPool.Tests.Faults;

/// <summary>
/// A Slurm node lost during a map, for real: taken down by the administrator (<c>scontrol update state=down</c>), or its
/// <c>slurmd</c> killed with SIGKILL. The lost jobs run again on the other node, every result comes back right and in
/// order, and the cluster is left as it was (both nodes idle).
/// </summary>
/// <remarks>
/// These disturb the cluster that every Slurm test shares: on a machine where several people run Slurm tests, run them
/// alone (<c>flock -x</c> on the cluster's lock, with the filter <c>FullyQualifiedName~ClusterNodeFault</c>). Their names
/// leave them out of the filter <c>FullyQualifiedName~Slurm</c> on purpose; CI runs them with the rest.
/// </remarks>
[Collection("Slurm")]
public sealed class ClusterNodeFaultTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_job_on_a_node_that_goes_down_is_reported_lost_with_slurms_words()
    {
        await using var cluster = SlurmCluster.NewBackend();
        // One attempt: by default the job runs again on the other node (see the next test).
        using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Name = "slurm-node-down", Backend = cluster.Backend, MaxAttempts = 1 });
        var future = bpe.Submit(() => SleepFor(600));
        Assert.True(SpinWait.SpinUntil(() => future.Running, Patience));
        var node = SlurmCluster.Run("squeue", "--noheader", "--name=slurm-node-down", "--format=%N").Output.Trim();
        Assert.Contains(node, new[] { "node1", "node2" });
        try
        {
            Assert.Equal(0, SlurmCluster.Run("scontrol", "update", $"nodename={node}", "state=down", "reason=batchpool-test").ExitCode);
            var error = Assert.Throws<BatchJobFailedException>(() => future.Result(Patience));
            Assert.Equal(BatchPool.Backends.BatchJobState.Lost, error.State);
            Assert.Contains("NODE_FAIL", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            NodeFaults.Resume(node);
        }
    }

    [Fact]
    public async Task A_map_whose_node_is_taken_down_runs_the_lost_calls_again_on_the_other_node()
    {
        await using var cluster = SlurmCluster.NewBackend();
        using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Name = "node-down-map", Backend = cluster.Backend, HandleSignals = false });
        var marks = Path.Combine(cluster.Root, "marks");
        Directory.CreateDirectory(marks);
        var items = Enumerable.Range(0, 8).ToList();
        var map = Task.Run(() => bpe.Map(RecordingNodes(marks, TimeSpan.FromSeconds(20)), items, timeout: Patience).ToList());
        // Every call started: four on each node (LLN spreads them).
        await StartedAsync(map, marks, items.Count);
        var down = NodesOf(marks).GroupBy(n => n.Node).First().Key;
        var other = down == "node1" ? "node2" : "node1";
        try
        {
            Assert.Equal(0, SlurmCluster.Run("scontrol", "update", $"nodename={down}", "state=down", "reason=batchpool-test").ExitCode);
            var results = await map.WaitAsync(Patience);
            Assert.Equal(items, results.Select(r => r.Item));
            foreach (var (item, nodes) in results)
            {
                var first = nodes.Split(' ')[0];
                // A call first run on the downed node ran again, on the other one, and its result is the second run's.
                Assert.Equal(first == down ? $"{down} {other}" : first, nodes);
            }
            Assert.Contains(results, r => r.Nodes.StartsWith(down, StringComparison.Ordinal));
        }
        finally
        {
            NodeFaults.Resume(down);
        }
    }

    [Fact]
    public async Task A_map_during_which_a_nodes_slurmd_is_killed_loses_no_result_and_does_not_hang()
    {
        await using var cluster = SlurmCluster.NewBackend();
        using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Name = "slurmd-killed-map", Backend = cluster.Backend, HandleSignals = false });
        var marks = Path.Combine(cluster.Root, "marks");
        Directory.CreateDirectory(marks);
        // Two waves on two nodes of 4 CPUs: the second is sent to the node while its slurmd is dead.
        var items = Enumerable.Range(0, 16).ToList();
        var map = Task.Run(() => bpe.Map(RecordingNodes(marks, TimeSpan.FromSeconds(10)), items, timeout: TimeSpan.FromMinutes(8)).ToList());
        await StartedAsync(map, marks, 8);
        var node = NodesOf(marks).First().Node;
        var killed = NodeFaults.KillSlurmd(node);
        try
        {
            // As a supervisor (systemd's Restart=on-failure) would, a while later.
            await Task.Delay(TimeSpan.FromSeconds(20));
            NodeFaults.RestartSlurmd(node);
            var results = await map.WaitAsync(TimeSpan.FromMinutes(8));
            Assert.Equal(items, results.Select(r => r.Item));
            Assert.All(results, r => Assert.Matches("^node[12]( node[12])*$", r.Nodes));
        }
        finally
        {
            NodeFaults.RestartSlurmd(node);
            NodeFaults.Resume(node);
        }
        GC.KeepAlive(killed);
    }

    private static int SleepFor(int seconds)
    {
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        return seconds;
    }

    /// <summary>The calls' function, made here so that its closure holds only what it needs (not the executor).</summary>
    private static Func<int, (int Item, string Nodes)> RecordingNodes(string marks, TimeSpan firstRunTakes) => i => RecordsItsNodes(marks, i, firstRunTakes);

    /// <summary>Appends the node it runs on to its item's mark (runs of a call, in order); the first run waits a while.</summary>
    internal static (int Item, string Nodes) RecordsItsNodes(string marks, int item, TimeSpan firstRunTakes)
    {
        var mark = Path.Combine(marks, item.ToString(CultureInfo.InvariantCulture));
        var firstRun = !File.Exists(mark);
        File.AppendAllText(mark, (Environment.GetEnvironmentVariable("SLURMD_NODENAME") ?? "?") + " ");
        if (firstRun)
        {
            Thread.Sleep(firstRunTakes);
        }
        return (item, File.ReadAllText(mark).Trim());
    }

    /// <summary>Waits until <paramref name="calls"/> calls have started; a map that failed first throws its error here.</summary>
    private static async Task StartedAsync(Task map, string marks, int calls)
    {
        Assert.True(SpinWait.SpinUntil(() => map.IsCompleted || Directory.GetFiles(marks).Length >= calls, Patience), $"{Directory.GetFiles(marks).Length} of {calls} calls started");
        if (map.IsCompleted)
        {
            await map;
            Assert.Fail("the map ended before the fault");
        }
    }

    /// <summary>Where each started call first ran; a mark still being written (empty) is left out.</summary>
    private static IEnumerable<(int Item, string Node)> NodesOf(string marks) =>
        Directory.GetFiles(marks)
            .Select(f => (Item: int.Parse(Path.GetFileName(f), CultureInfo.InvariantCulture), Node: File.ReadAllText(f).Trim().Split(' ')[0]))
            .Where(mark => mark.Node.Length > 0);
}

/// <summary>Faults of a node of the test cluster, and putting it back as <c>ci/slurm/start.sh</c> left it.</summary>
internal static class NodeFaults
{
    /// <summary>Kills the node's slurmd with SIGKILL (its jobs' slurmstepd and processes go on); returns its pid.</summary>
    public static int KillSlurmd(string node)
    {
        var pid = int.Parse(File.ReadAllText($"/run/slurm/slurmd-{node}.pid").Trim(), CultureInfo.InvariantCulture);
        using var slurmd = System.Diagnostics.Process.GetProcessById(pid);
        slurmd.Kill();
        slurmd.WaitForExit(TimeSpan.FromSeconds(10));
        return pid;
    }

    /// <summary>Starts the node's slurmd as <c>ci/slurm/start.sh</c> does, unless it runs.</summary>
    public static void RestartSlurmd(string node)
    {
        if (File.Exists($"/run/slurm/slurmd-{node}.pid")
            && int.TryParse(File.ReadAllText($"/run/slurm/slurmd-{node}.pid").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && Directory.Exists($"/proc/{pid}"))
        {
            return;
        }
        // Not through SlurmCluster.Run: the daemon could hold its output pipes open.
        var start = new System.Diagnostics.ProcessStartInfo("nsenter") { UseShellExecute = false };
        foreach (var argument in (string[])[$"--net=/run/netns/bpnode{node[^1]}", "unshare", "--uts", "sh", "-c", $"hostname {node} && exec /usr/sbin/slurmd -N {node}"])
        {
            start.ArgumentList.Add(argument);
        }
        using var slurmd = System.Diagnostics.Process.Start(start)!;
        Assert.True(slurmd.WaitForExit(TimeSpan.FromSeconds(30)), $"slurmd of {node} did not start");
    }

    /// <summary>Resumes a node taken down and waits until Slurm says it is idle.</summary>
    public static void Resume(string node)
    {
        if (SlurmCluster.Run("sinfo", "--noheader", $"--nodes={node}", "--format=%t").Output.Trim().StartsWith("down", StringComparison.Ordinal))
        {
            SlurmCluster.Run("scontrol", "update", $"nodename={node}", "state=resume");
        }
        Assert.True(SpinWait.SpinUntil(() => SlurmCluster.Run("sinfo", "--noheader", $"--nodes={node}", "--format=%t").Output.Trim() == "idle", TimeSpan.FromMinutes(2)),
            $"{node} is not idle again: {SlurmCluster.Run("sinfo", "--noheader", "--Node", "--format=%N %t %E").Output}");
    }
}
