using System.Diagnostics;
using System.Text.Json;

namespace BatchPool.Bench;

/// <summary>One peer's figures, as peers.py prints them with <c>--json</c>.</summary>
internal sealed record PeerFigure(string Name, double Seconds, long? Bytes, double? DumpsSeconds, double? LoadsSeconds);

/// <summary>The peers measured in this run: the median figure of each, or why there is none.</summary>
internal sealed class PeerResults
{
    public Dictionary<string, PeerFigure> Figures { get; } = [];

    public Dictionary<string, string> Errors { get; } = [];

    public PeerFigure? this[string name] => Figures.GetValueOrDefault(name);
}

/// <summary>Runs <c>peers.py</c> (Python's ProcessPoolExecutor, Dask, dill) under the system interpreter.</summary>
internal static class PythonPeers
{
    public const string PpeMapChunk1 = "ppe_map_chunk1";
    public const string PpeMapChunk100 = "ppe_map_chunk100";
    public const string PpeLatency = "ppe_latency";
    public const string DaskMap = "dask_map";
    public const string Dill80Mb = "dill_80mb";
    public const string PpeMapBigCapture = "ppe_map_big_capture";
    public const string Ppe80MbRoundTrip = "ppe_80mb_roundtrip";
    public const string PpeColdProcess = "ppe_cold_process";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>The peers the chosen workloads compare with.</summary>
    public static IEnumerable<string> For(BenchOptions options)
    {
        if (options.Includes(1))
        {
            yield return PpeMapChunk1;
            yield return DaskMap;
        }
        if (options.Includes(2))
        {
            yield return PpeMapChunk100;
        }
        if (options.Includes(3))
        {
            yield return PpeLatency;
        }
        if (options.Includes(4))
        {
            yield return Dill80Mb;
        }
        if (options.Includes(5))
        {
            yield return PpeColdProcess;
        }
        if (options.Includes(8))
        {
            yield return PpeMapBigCapture;
            yield return Ppe80MbRoundTrip;
        }
    }

    /// <summary>peers.py: as configured, else <c>../shared/bench/peers.py</c> beside the repository that holds this bench.</summary>
    public static string? LocateScript(string? configured)
    {
        if (configured is not null)
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        }
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "BatchPool.slnx")))
                {
                    var script = Path.GetFullPath(Path.Combine(folder.FullName, "..", "shared", "bench", "peers.py"));
                    if (File.Exists(script))
                    {
                        return script;
                    }
                }
            }
        }
        return null;
    }

    /// <summary>Runs each peer (Dask once, the others <paramref name="runs"/> times) and keeps the median run of each.</summary>
    public static PeerResults Run(string python, string script, IEnumerable<string> names, int runs)
    {
        var results = new PeerResults();
        foreach (var name in names)
        {
            try
            {
                var repetitions = name == DaskMap ? 1 : runs;
                var figures = Enumerable.Range(0, repetitions).Select(_ => RunOnce(python, script, name)).ToList();
                results.Figures[name] = Stats.MedianBy(figures, f => f.Seconds);
                Console.WriteLine($"  peer {name}: {string.Join(", ", figures.Select(f => Format.Seconds(f.Seconds)))}");
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or JsonException or System.ComponentModel.Win32Exception)
            {
                results.Errors[name] = e.Message;
                Console.WriteLine($"  peer {name} failed: {e.Message}");
            }
        }
        return results;
    }

    private static PeerFigure RunOnce(string python, string script, string name)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, "--json", "--only", name })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {python}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name} did not finish within {Timeout}.");
        }
        process.WaitForExit();
        var line = output.Result.Split('\n').LastOrDefault(l => l.StartsWith('{'));
        if (process.ExitCode != 0 || line is null)
        {
            var tail = errors.Result.Trim().Split('\n').LastOrDefault() ?? "";
            throw new InvalidOperationException(
                $"{name} exited with {process.ExitCode}: {tail} (run bench/install-peers.sh for the peers' Debian packages)");
        }
        return Parse(name, line);
    }

    private static PeerFigure Parse(string name, string line)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        double? Number(string property) => root.TryGetProperty(property, out var value) ? value.GetDouble() : null;
        return new PeerFigure(
            name,
            Number("seconds") ?? throw new InvalidOperationException($"{name} reported no seconds: {line}"),
            root.TryGetProperty("bytes", out var bytes) ? bytes.GetInt64() : null,
            Number("dumps_seconds"),
            Number("loads_seconds"));
    }
}
