using System.Diagnostics;
using BatchPool.Tests.Executor;

namespace BatchPool.Tests.Slurm;

/// <summary>
/// The test cluster that <c>ci/slurm/start.sh</c> starts (two compute nodes, node1 and node2). Slurm tests fail, never
/// skip, when it is not running: CI provides it.
/// </summary>
public static class SlurmCluster
{
    private static readonly Lazy<string> Nodes = new(() =>
    {
        var (code, output) = Run("sinfo", "--noheader", "--Node", "--format=%N %t");
        if (code != 0 || !output.Contains("node1", StringComparison.Ordinal) || !output.Contains("node2", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The Slurm test cluster is not running (sinfo: {output.Trim()}). Start it with ci/slurm/start.sh.");
        }
        return output;
    });

    /// <summary>A Slurm backend over a fresh folder, once the cluster answers.</summary>
    public static TestBackend NewBackend(Func<string, IBatchBackend>? create = null)
    {
        _ = Nodes.Value;
        return new TestBackend(root => create?.Invoke(root) ?? new SlurmBackend(root));
    }

    /// <summary>Runs a Slurm command; returns its exit code and its output and errors together.</summary>
    public static (int ExitCode, string Output) Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Result + error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{command}: {e.Message}");
        }
    }
}

/// <summary>Slurm tests share one cluster and some change it (a node taken down): they run one class at a time.</summary>
[CollectionDefinition("Slurm")]
public sealed class SlurmCollection;

/// <summary>The conformance behaviours on Slurm.</summary>
[Collection("Slurm")]
public sealed class ConformanceTestsOnSlurm() : ConformanceTests(() => SlurmCluster.NewBackend());

/// <summary>Closures, values and exceptions on Slurm.</summary>
[Collection("Slurm")]
public sealed class EndToEndTestsOnSlurm() : EndToEndTests(() => SlurmCluster.NewBackend());

/// <summary>Bad input and dying jobs on Slurm.</summary>
[Collection("Slurm")]
public sealed class FailureTestsOnSlurm() : FailureTests(() => SlurmCluster.NewBackend());

public sealed class SlurmExecutorFixture() : ExecutorFixture(() => SlurmCluster.NewBackend());

/// <summary>Every codec case through a Slurm job.</summary>
[Collection("Slurm")]
public sealed class CodecCasesThroughExecutorOnSlurm(SlurmExecutorFixture fixture)
    : CodecCasesThroughExecutorTests(fixture), IClassFixture<SlurmExecutorFixture>;
