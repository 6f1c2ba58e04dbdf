using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using BatchPool.Codec;

namespace BatchPool.Tests.Codec;

/// <summary>
/// Runs the CodecHost once over many payloads: it loads the user library from its file into its own load context
/// (no project reference), decodes each job under contextual reflection, invokes it and encodes the outcomes.
/// </summary>
public sealed class CodecHostRun : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("batchpool-codec-").FullName;
    private readonly Dictionary<string, byte[]> _inputs = [];
    private readonly Lazy<Dictionary<string, byte[]>> _outputs;

    public CodecHostRun()
    {
        _outputs = new(Run);
    }

    public static string HostPath =>
        typeof(CodecHostRun).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CodecHostPath").Value
        ?? throw new InvalidOperationException("the test build did not record where CodecHost is");

    public static string DotnetPath
    {
        get
        {
            var fromHost = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(fromHost) && File.Exists(fromHost))
            {
                return fromHost;
            }

            var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
            return Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        }
    }

    public void Add(string name, byte[] payload) => _inputs[name] = payload;

    /// <summary>The host's encoded output for the job added under <paramref name="name"/>.</summary>
    public byte[] OutputOf(string name)
    {
        return _outputs.Value[name];
    }

    internal JobOutput Decoded(string name) => (JobOutput)CodecTestKit.Codec.Decode(OutputOf(name), PayloadKind.JobOutput);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Dictionary<string, byte[]> Run()
    {
        foreach (var (name, payload) in _inputs)
        {
            File.WriteAllBytes(Path.Combine(_directory, name + ".in"), payload);
        }

        var start = new ProcessStartInfo(DotnetPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(HostPath);
        start.ArgumentList.Add(CodecTestKit.UserCodePath);
        start.ArgumentList.Add(_directory);
        start.Environment["BATCHPOOL_CODEC_TEST_KEY"] = Convert.ToHexString(CodecTestKit.Key);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("CodecHost did not finish in 120 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"CodecHost failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
        }

        return _inputs.Keys.ToDictionary(n => n, n => File.ReadAllBytes(Path.Combine(_directory, n + ".out")));
    }
}
