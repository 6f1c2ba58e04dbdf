using System.Diagnostics;
using BatchPool.Tests.Slurm;

namespace BatchPool.Tests.Faults;

/// <summary>
/// A Docker engine of a test's own (a second dockerd, with its own socket, data and state folders, beside the shared one)
/// holding a copy of the worker image: a test can stop and restart it without disturbing the tests that share the
/// machine's engine.
/// </summary>
internal sealed class OwnDockerEngine : IDisposable
{
    private readonly string _folder;

    private OwnDockerEngine(string folder)
    {
        _folder = folder;
        // Short: a unix socket's path has at most 107 bytes.
        Endpoint = $"unix://{folder}/docker.sock";
    }

    /// <summary>The engine's address, for <c>DockerBackend(dockerEndpoint: ...)</c> and <c>docker -H</c>.</summary>
    public string Endpoint { get; }

    private string PidFile => Path.Combine(_folder, "dockerd.pid");

    /// <summary>Starts the engine and copies <paramref name="image"/> into it from the machine's engine.</summary>
    public static OwnDockerEngine Start(string image)
    {
        var engine = new OwnDockerEngine(Path.Combine("/tmp", "bpd-" + Guid.NewGuid().ToString("N")[..8]));
        Directory.CreateDirectory(engine._folder);
        try
        {
            engine.StartDaemon();
            var (code, output) = SlurmCluster.Run("sh", "-c", $"docker save {image} | docker -H {engine.Endpoint} load");
            if (code != 0)
            {
                throw new InvalidOperationException($"the image {image} could not be copied to the test's own engine: {output}");
            }
            return engine;
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>Stops the engine as a service manager would (SIGTERM: it stops its containers first) and starts it again.</summary>
    public void Restart()
    {
        StopDaemon();
        StartDaemon();
    }

    /// <summary>How many containers, in any state, carry <paramref name="label"/> (<c>key=value</c>).</summary>
    public int ContainersWith(string label)
    {
        var (code, output) = SlurmCluster.Run("docker", "-H", Endpoint, "ps", "-aq", "--filter", $"label={label}");
        Assert.True(code == 0, $"docker ps on the test's own engine failed: {output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    private void StartDaemon()
    {
        var command = $"exec dockerd --data-root {_folder}/data --exec-root {_folder}/exec --pidfile {PidFile} --host {Endpoint} " +
            $"--bridge=none --iptables=false --ip6tables=false >>{_folder}/dockerd.log 2>&1 </dev/null";
        using (Process.Start(new ProcessStartInfo("setsid", ["sh", "-c", command]) { UseShellExecute = false }))
        {
        }
        for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(60); Thread.Sleep(250))
        {
            if (SlurmCluster.Run("docker", "-H", Endpoint, "version").ExitCode == 0)
            {
                return;
            }
        }
        var log = File.Exists($"{_folder}/dockerd.log") ? File.ReadAllText($"{_folder}/dockerd.log") : "";
        throw new InvalidOperationException($"the test's own dockerd did not answer within 60 s: {log[Math.Max(0, log.Length - 2000)..]}");
    }

    private void StopDaemon()
    {
        if (!File.Exists(PidFile) || !int.TryParse(File.ReadAllText(PidFile).Trim(), out var pid))
        {
            return;
        }
        SlurmCluster.Run("kill", "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (var wait = Stopwatch.StartNew(); Directory.Exists($"/proc/{pid}") && wait.Elapsed < TimeSpan.FromSeconds(60);)
        {
            Thread.Sleep(100);
        }
    }

    public void Dispose()
    {
        StopDaemon();
        // The engine's layers are unmounted when it stops; what cannot be deleted stays for the system's cleaning.
        SlurmCluster.Run("rm", "-rf", _folder);
    }
}
