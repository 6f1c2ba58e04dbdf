using BatchPool.Bench.Workloads;
using static BatchPool.Bench.Format;

namespace BatchPool.Bench;

/// <summary>One line of the table.</summary>
internal sealed record Row(string Workload, string BatchPool, string Peers, string Ratio, string Target, string Met);

/// <summary>The table: workload | BatchPool | peer(s) | ratio | target | met?, with the targets.</summary>
internal static class Report
{
    private const string None = "—";

    public static List<Row> Rows(BenchOptions options, BenchResults bp, PeerResults peers)
    {
        var rows = new List<Row>();
        if (options.Includes(1))
        {
            const string name = "1. Map 10,000 × (x => x * 3), chunksize 1, start+stop";
            var seconds = bp.MedianMap1?.Total;
            rows.Add(Compare(name, bp, "W1", seconds, Seconds, peers, PythonPeers.PpeMapChunk1, "PPE", 0.1));
            rows.Add(Compare("1. (same) in a fresh client process, from its start to shutdown", bp, "W1 fresh", bp.MedianFreshMap1?.SinceStart, Seconds,
                peers, PythonPeers.PpeMapChunk1, "PPE", 0.2));
            rows.Add(Compare("1. (same run) against Dask", bp, "W1", seconds, Seconds, peers, PythonPeers.DaskMap, "Dask", 0.05));
        }
        if (options.Includes(2))
        {
            rows.Add(Compare("2. Map 10,000, chunksize 100, start+stop", bp, "W2", bp.MedianMap100?.Total, Seconds, peers, PythonPeers.PpeMapChunk100, "PPE", 1));
        }
        if (options.Includes(3))
        {
            rows.Add(Compare("3. Submit→Result median latency, warm, 200 calls", bp, "W3", bp.Latency?.MedianMs / 1e3, Seconds, peers, PythonPeers.PpeLatency, "PPE", 1));
        }
        if (options.Includes(4))
        {
            rows.AddRange(BigClosureRows(bp, peers));
        }
        if (options.Includes(5))
        {
            rows.AddRange(ColdStartRows(bp));
            var whole = bp.WholeProgram is null ? (double?)null : Stats.Median(bp.WholeProgram);
            rows.Add(Compare("5. whole program (executor, 1 job, exit), spawn to exit", bp, "W5", whole, Seconds, peers, PythonPeers.PpeColdProcess, "PPE", 1.0));
            var twoHellos = bp.TwoHelloWorlds is null ? (double?)null : Stats.Median(bp.TwoHelloWorlds);
            var floor = Compare("5. (floor) dotnet hello.dll starting another, spawn to exit", bp, "W5", twoHellos, Seconds, peers, PythonPeers.PpeColdProcess, "PPE", 1.0);
            rows.Add(floor with { Target = "(reference)", Met = None });
        }
        if (options.Includes(6))
        {
            rows.AddRange(MemoryRows(bp));
        }
        if (options.Includes(7))
        {
            rows.AddRange(DockerRows(bp));
        }
        if (options.Includes(8))
        {
            var median = bp.LargeValues is null ? null : Stats.MedianBy(bp.LargeValues, r => r.BigCaptureMapSeconds);
            rows.Add(Compare("8. Map 20 calls over an 80 MB capture, start+stop", bp, "W8", median?.BigCaptureMapSeconds, Seconds, peers, PythonPeers.PpeMapBigCapture, "PPE", 0.1));
            rows.Add(Compare("8. 80 MB argument Submit→Result, warm", bp, "W8", median?.ArgumentRoundTripSeconds, Seconds, peers, PythonPeers.Ppe80MbRoundTrip, "PPE", 0.2));
            rows.AddRange(LargeCaptureMemoryRows(bp));
        }
        return rows;
    }

    public static void Print(IReadOnlyList<Row> rows, TextWriter output)
    {
        string[] header = ["workload", "BatchPool", "peer(s)", "ratio", "target", "met?"];
        var cells = rows.Select(r => new[] { r.Workload, r.BatchPool, r.Peers, r.Ratio, r.Target, r.Met }).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => cells.Max(row => row[c].Length)).ToArray();
        string Line(string[] row) => "| " + string.Join(" | ", row.Select((cell, c) => cell.PadRight(widths[c]))) + " |";
        output.WriteLine(Line(cells[0]));
        output.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var row in cells.Skip(1))
        {
            output.WriteLine(Line(row));
        }
    }

    private static Row Compare(
        string workload, BenchResults bp, string key, double? seconds, Func<double, string> format,
        PeerResults peers, string peerName, string peerLabel, double limit)
    {
        var target = Invariant($"≤ {limit} × {peerLabel}");
        if (seconds is not { } value)
        {
            return Failed(workload, bp, key, target);
        }
        if (peers[peerName] is not { } peer)
        {
            return new Row(workload, format(value), $"{peerLabel} n/a", None, target, "?");
        }
        var ratio = value / peer.Seconds;
        return new Row(workload, format(value), $"{peerLabel} {format(peer.Seconds)}", Ratio(ratio), target, Met(ratio <= limit));
    }

    private static IEnumerable<Row> BigClosureRows(BenchResults bp, PeerResults peers)
    {
        const string codecName = "4. 80 MB closure: encode + decode (in-process codec)";
        const string bytesName = "4. 80 MB closure: payload size";
        const string endName = "4. 80 MB closure: Submit→Result end to end, warm";
        const string apartName = "4. 80 MB closure: encode + decode, array stored apart (hashed, checked, copied)";
        const string target = "≤ 0.35 × dill";
        var dill = peers[PythonPeers.Dill80Mb];
        if (bp.MedianCodec is { } codec)
        {
            var mine = $"{Seconds(codec.Seconds)} (enc {Seconds(codec.EncodeSeconds)} + dec {Seconds(codec.DecodeSeconds)})";
            yield return dill is null
                ? new Row(codecName, mine, "dill n/a", None, target, "?")
                : new Row(codecName, mine, $"dill {Seconds(dill.Seconds)} (dumps {Seconds(dill.DumpsSeconds ?? 0)} + loads {Seconds(dill.LoadsSeconds ?? 0)})",
                    Ratio(codec.Seconds / dill.Seconds), target, Met(codec.Seconds <= 0.35 * dill.Seconds));
            var overRaw = (double)codec.Bytes / BigClosureWorkload.RawBytes;
            yield return new Row(bytesName, Bytes(codec.Bytes), dill?.Bytes is { } dillBytes ? $"dill {Bytes(dillBytes)}" : "dill n/a",
                Invariant($"{overRaw:F5}× raw"), "≤ 1.01 × 80,000,000 B raw", Met(overRaw <= 1.01));
        }
        else
        {
            yield return Failed(codecName, bp, "W4 codec", target);
            yield return Failed(bytesName, bp, "W4 codec", "≤ 1.01 × 80,000,000 B raw");
        }
        if (bp.MedianCodecApart is { } apart)
        {
            var mine = $"{Seconds(apart.Seconds)} (enc {Seconds(apart.EncodeSeconds)} + dec {Seconds(apart.DecodeSeconds)}), payload {Bytes(apart.Bytes)}";
            yield return dill is null
                ? new Row(apartName, mine, "dill n/a", None, target, "?")
                : new Row(apartName, mine, $"dill {Seconds(dill.Seconds)}", Ratio(apart.Seconds / dill.Seconds), target, Met(apart.Seconds <= 0.35 * dill.Seconds));
        }
        else
        {
            yield return Failed(apartName, bp, "W4 codec, large values apart", target);
        }
        yield return bp.MedianEndToEnd is { } end
            ? new Row(endName, $"{Seconds(end.Total)} (Submit {Seconds(end.Submit)} + Result {Seconds(end.Result)})", None, None, "(no target)", None)
            : Failed(endName, bp, "W4 end to end", "(no target)");
    }

    private static IEnumerable<Row> ColdStartRows(BenchResults bp)
    {
        const string coldName = "5. cold start: new client process, executor + 1 job to Result";
        const string warmName = "5. (reference) new executor + 1 job in a warm client";
        const string target = "≤ 1.5 × bare dotnet";
        var hello = bp.HelloWorld is null ? (double?)null : Stats.Median(bp.HelloWorld);
        var helloText = hello is { } h ? $"dotnet hello.dll {Seconds(h)}" : "hello n/a";
        yield return bp.MedianColdProcess is { } cold
            ? new Row(coldName, Seconds(cold.ToResult), helloText, hello is { } h1 ? Ratio(cold.ToResult / h1) : None, target,
                hello is { } h2 ? Met(cold.ToResult <= 1.5 * h2) : "?")
            : Failed(coldName, bp, "W5", target);
        yield return bp.MedianColdExecutor is { } warm
            ? new Row(warmName, Seconds(warm.ToResult), helloText, hello is { } h3 ? Ratio(warm.ToResult / h3) : None, "(reference)", None)
            : Failed(warmName, bp, "W5", "(reference)");
    }

    private static IEnumerable<Row> MemoryRows(BenchResults bp)
    {
        const string peakName = "6. Map 100,000, chunksize 1,000: client peak RSS";
        const string timeName = "6. Map 100,000, chunksize 1,000: time per call";
        const string perCallTarget = "≤ 2 × W2 per call";
        if (bp.Memory is not { Count: > 0 } runs || bp.MedianMemory is not { } median)
        {
            yield return Failed(peakName, bp, "W6", "≤ 200 MB");
            yield return Failed(timeName, bp, "W6", perCallTarget);
            yield break;
        }
        var peak = runs.Max(r => r.PeakRssMegabytes);
        yield return new Row(peakName, Megabytes(peak) + " (max of runs)", None, None, "≤ 200 MB", Met(peak <= 200));
        var perCall = median.Map.MicrosecondsPerCall;
        var mine = $"{Seconds(median.Map.Total)} ({Microseconds(perCall)}/call)";
        yield return bp.MedianMap100 is { } w2
            ? new Row(timeName, mine, $"W2 {Microseconds(w2.MicrosecondsPerCall)}/call", Ratio(perCall / w2.MicrosecondsPerCall), perCallTarget,
                Met(perCall <= 2 * w2.MicrosecondsPerCall))
            : new Row(timeName, mine, "W2 not run", None, perCallTarget, "?");
    }

    private static IEnumerable<Row> DockerRows(BenchResults bp)
    {
        const string perJob = "7. Docker: Map 200 × (x => x * 3), chunksize 1, 2 at once, start+stop: a container per job";
        const string reusing = "7. (same run) with ReuseContainers: a container per slot, a process per job";
        const string target = "≤ 1.1 × docker run";
        if (bp.MedianDockerMap is not { } run)
        {
            yield return Failed(perJob, bp, "W7", target);
            yield return Failed(reusing, bp, "W7", target);
            yield break;
        }
        var baseline = $"200 docker run --rm IMAGE true, 2 at once: {Seconds(run.DockerRunSeconds)} (mean of {Seconds(run.DockerRunsBefore)} before, {Seconds(run.DockerRunsAfter)} after)";
        foreach (var (name, map) in new[] { (perJob, run.Map), (reusing, run.Reusing) })
        {
            var ratio = map.Total / run.DockerRunSeconds;
            yield return new Row(name, Seconds(map.Total), baseline, Ratio(ratio), target, Met(ratio <= 1.1));
        }
    }

    private static IEnumerable<Row> LargeCaptureMemoryRows(BenchResults bp)
    {
        const string storedName = "8. 50 calls over a 50 MB capture: bytes stored";
        const string peakName = "8. (same run) client peak memory above its baseline";
        if (bp.LargeCaptureMemory is not { } run)
        {
            yield return Failed(storedName, bp, "W8 memory", "≤ 55 MB");
            yield return Failed(peakName, bp, "W8 memory", "≤ 2 × the capture");
            yield break;
        }
        yield return new Row(storedName, Bytes(run.StoredBytes), None, None, "≤ 55 MB", Met(run.StoredBytes <= 55_000_000));
        yield return new Row(peakName, Megabytes(run.AboveBaselineMegabytes), $"capture {Megabytes(run.CaptureMegabytes)}",
            Ratio(run.AboveBaselineMegabytes / run.CaptureMegabytes), "≤ 2 × the capture", Met(run.AboveBaselineMegabytes <= 2 * run.CaptureMegabytes));
    }

    private static Row Failed(string workload, BenchResults bp, string key, string target) =>
        new(workload, bp.Errors.TryGetValue(key, out var error) ? $"failed: {error}" : "failed", None, None, target, "no");

    private static string Met(bool met) => met ? "yes" : "NO";
}
