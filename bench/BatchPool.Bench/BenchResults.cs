using BatchPool.Bench.Workloads;

namespace BatchPool.Bench;

/// <summary>Every figure BatchPool produced in this run; a workload that failed leaves its figures null and says why.</summary>
internal sealed class BenchResults
{
    public List<MapRun>? Map1 { get; set; }

    public List<FreshMapRun>? FreshMap1 { get; set; }

    public List<MapRun>? Map100 { get; set; }

    public LatencyResult? Latency { get; set; }

    public List<CodecRun>? Codec { get; set; }

    public List<CodecRun>? CodecApart { get; set; }

    public List<EndToEndRun>? EndToEnd { get; set; }

    public List<double>? HelloWorld { get; set; }

    public List<ColdStartRun>? ColdProcess { get; set; }

    public List<ColdStartRun>? ColdExecutor { get; set; }

    /// <summary>Workload 5 as a whole program (a client process, executor, one job, exit), spawn to exit, seconds.</summary>
    public List<double>? WholeProgram { get; set; }

    /// <summary>A bare hello-world that starts another and waits for it, spawn to exit, seconds: two .NET processes' floor.</summary>
    public List<double>? TwoHelloWorlds { get; set; }

    public List<MemoryRun>? Memory { get; set; }

    public List<DockerMapRun>? DockerMap { get; set; }

    public List<LargeValueRun>? LargeValues { get; set; }

    public LargeCaptureMemoryRun? LargeCaptureMemory { get; set; }

    public Dictionary<string, string> Errors { get; } = [];

    public MapRun? MedianMap1 => Map1 is null ? null : Stats.MedianBy(Map1, r => r.Total);

    public MapRun? MedianMap100 => Map100 is null ? null : Stats.MedianBy(Map100, r => r.Total);

    public FreshMapRun? MedianFreshMap1 => FreshMap1 is null ? null : Stats.MedianBy(FreshMap1, r => r.SinceStart);

    public CodecRun? MedianCodecApart => CodecApart is null ? null : Stats.MedianBy(CodecApart, r => r.Seconds);

    public CodecRun? MedianCodec => Codec is null ? null : Stats.MedianBy(Codec, r => r.Seconds);

    public EndToEndRun? MedianEndToEnd => EndToEnd is null ? null : Stats.MedianBy(EndToEnd, r => r.Total);

    public ColdStartRun? MedianColdProcess => ColdProcess is null ? null : Stats.MedianBy(ColdProcess, r => r.ToResult);

    public ColdStartRun? MedianColdExecutor => ColdExecutor is null ? null : Stats.MedianBy(ColdExecutor, r => r.ToResult);

    public DockerMapRun? MedianDockerMap => DockerMap is null ? null : Stats.MedianBy(DockerMap, r => r.Map.Total / r.DockerRunSeconds);

    public MemoryRun? MedianMemory => Memory is null ? null : Stats.MedianBy(Memory, r => r.Map.Total);
}
