using BatchPool.Tests.Slurm;

namespace BatchPool.Tests.Faults;

/// <summary>
/// Jobs share their program's fate: a real client program holding running jobs is killed (SIGKILL: it runs no code at
/// death) or ends without waiting for them (as many jobs as the machine's 2 cores run at once), and 60 s later nothing of its jobs is left on the backend.
/// </summary>
public abstract class ProgramEndTests(string backend)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>How many of the client's jobs run (or, for containers, exist) now.</summary>
    private protected abstract int Left(ClientProgram client);

    /// <summary>How many of the client's jobs run now (for containers: are running, not only there).</summary>
    private protected virtual int Running(ClientProgram client) => Left(client);

    /// <summary>Waits until the client's 2 jobs run: running as the client saw it, a job's own record of its process follows a moment later.</summary>
    private void AwaitBothRunning(ClientProgram client)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Running(client) < 2 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(200);
        }
        Assert.Equal(2, Running(client));
    }

    [Fact]
    public void A_client_killed_with_SIGKILL_leaves_nothing_running_60_s_later()
    {
        using var client = ClientProgram.Start(backend, jobs: 2);
        // The jobs run (they sleep 10 minutes) and the client lives: what stops them after the kill is the client's death.
        AwaitBothRunning(client);
        Assert.False(client.HasExited, "the client program ended by itself before it was killed");
        client.Kill();
        var took = ClientProgram.TimeUntilNone(() => Left(client), Limit);
        Assert.True(took is not null, $"{Left(client)} of the client's 2 jobs still run {Limit.TotalSeconds} s after it was killed");
    }

    /// <summary>Whether the backend starts a program-end watcher beside the client.</summary>
    private protected virtual bool HasWatcher => true;

    [Fact]
    public void A_client_whose_machine_is_gone_leaves_nothing_running_60_s_later()
    {
        using var client = ClientProgram.Start(backend, jobs: 2);
        AwaitBothRunning(client);
        // The client and its watcher both gone at once, as with its machine: only the jobs' lease watch can stop them.
        var watchers = client.KillWithItsWatchers();
        Assert.Equal(HasWatcher ? 1 : 0, watchers);
        var took = ClientProgram.TimeUntilNone(() => Running(client), Limit);
        Assert.True(took is not null, $"{Running(client)} of the client's 2 jobs still run {Limit.TotalSeconds} s after it and its watcher were killed");
    }

    [Fact]
    public void A_client_that_leaves_without_waiting_and_ends_leaves_nothing_running_60_s_later()
    {
        using var client = ClientProgram.Start(backend, jobs: 2, leave: true);
        Assert.Equal(0, client.WaitForExit(TimeSpan.FromSeconds(60)));
        var took = ClientProgram.TimeUntilNone(() => Left(client), Limit);
        Assert.True(took is not null, $"{Left(client)} of the client's 2 jobs still run {Limit.TotalSeconds} s after it ended");
    }

    [Theory]
    [InlineData(2, 130)]
    [InlineData(15, 143)]
    public void SIGINT_and_SIGTERM_cancel_the_jobs_clean_the_folder_and_end_with_the_conventional_code(int signal, int exitCode)
    {
        using var client = ClientProgram.Start(backend, jobs: 2);
        Assert.True(Directory.Exists(client.ExecutorFolder), $"no folder {client.ExecutorFolder}");
        Assert.Equal(exitCode, client.Signal(signal, TimeSpan.FromSeconds(90)));
        // Stopped by the client itself before it ended, not by the watcher: nothing is left at once.
        Assert.Equal(0, Left(client));
        Assert.False(Directory.Exists(client.ExecutorFolder), $"the executor's folder {client.ExecutorFolder} is still there");
    }

    /// <summary>Runs a command and returns its output's non-empty lines.</summary>
    private protected static string[] Lines(string command, params string[] arguments)
    {
        var (code, output) = SlurmCluster.Run(command, arguments);
        Assert.True(code == 0, $"{command} failed: {output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}

/// <summary>Local workers stop with their client: their request pipe closes with it.</summary>
public sealed class ProgramEndTestsOnLocal() : ProgramEndTests("local")
{
    private protected override int Left(ClientProgram client) =>
        Directory.Exists(client.PidFolder)
            ? Directory.GetFiles(client.PidFolder).Count(file => Processes.IsRunning(int.Parse(Path.GetFileName(file), System.Globalization.CultureInfo.InvariantCulture)))
            : 0;

    private protected override bool HasWatcher => false;
}

/// <summary>Containers, running or only created, are removed once their client is gone.</summary>
[Collection(Docker.DockerCollection.Name)]
public sealed class ProgramEndTestsOnDocker() : ProgramEndTests("docker")
{
    private protected override int Left(ClientProgram client) =>
        Lines("docker", "ps", "-aq", "--filter", $"label=batchpool.executor={client.Name}").Length;

    private protected override int Running(ClientProgram client) =>
        Lines("docker", "ps", "-q", "--filter", $"label=batchpool.executor={client.Name}", "--filter", "status=running").Length;
}

/// <summary>Slurm jobs, named after their executor, are cancelled once their client is gone.</summary>
[Collection("Slurm")]
public sealed class ProgramEndTestsOnSlurm() : ProgramEndTests("slurm")
{
    private protected override int Left(ClientProgram client) =>
        Lines("squeue", "--noheader", $"--name={client.Name}", "--format=%i %t").Length;
}
