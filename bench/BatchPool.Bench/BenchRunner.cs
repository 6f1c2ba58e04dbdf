using BatchPool.Bench.Workloads;
using static BatchPool.Bench.Format;

namespace BatchPool.Bench;

/// <summary>Runs the chosen BatchPool workloads, printing each run's spans as it goes.</summary>
internal static class BenchRunner
{
    public static BenchResults Run(BenchOptions options)
    {
        var results = new BenchResults();
        if (options.Includes(1))
        {
            Attempt(results, "W1", () => results.Map1 = RepeatMap(options, "W1", 10_000, 1));
            Attempt(results, "W1 fresh", () => results.FreshMap1 = Stats.Repeat(options.Runs, options.RepeatBudget, () =>
            {
                var (run, spawnToExit) = ChildProcess.RunTimed<FreshMapRun>(1);
                Console.WriteLine(
                    $"  W1 fresh process: {Seconds(run.SinceStart)} from its start = {Seconds(run.BeforeMain)} to Main + {Describe(run.Map)}; " +
                    $"spawn to exit {Seconds(spawnToExit)}");
                return run with { SpawnToExit = spawnToExit };
            }));
        }
        if (options.Includes(2))
        {
            Attempt(results, "W2", () => results.Map100 = RepeatMap(options, "W2", 10_000, 100));
        }
        if (options.Includes(3))
        {
            Attempt(results, "W3", () => results.Latency = Latency());
        }
        if (options.Includes(4))
        {
            RunBigClosure(options, results);
        }
        if (options.Includes(5))
        {
            Attempt(results, "W5", () => RunColdStart(options, results));
        }
        if (options.Includes(6))
        {
            Attempt(results, "W6", () => results.Memory = Stats.Repeat(options.Runs, options.RepeatBudget, () =>
            {
                var run = ChildProcess.Run<MemoryRun>(6);
                Console.WriteLine($"  W6 run: {Describe(run.Map)}; client peak RSS {Megabytes(run.PeakRssMegabytes)}");
                return run;
            }));
        }
        if (options.Includes(7))
        {
            Attempt(results, "W7", () => results.DockerMap = Stats.Repeat(options.DockerRuns, options.RepeatBudget, () =>
            {
                var run = DockerMapWorkload.Run();
                Console.WriteLine($"  W7 run: docker run × {DockerMapWorkload.Calls}: {Seconds(run.DockerRunsBefore)} before, {Seconds(run.DockerRunsAfter)} after");
                Console.WriteLine($"  W7 run: container per job {Describe(run.Map)}");
                Console.WriteLine($"  W7 run: ReuseContainers {Describe(run.Reusing)}");
                return run;
            }));
        }
        if (options.Includes(8))
        {
            var data = BigClosureWorkload.MakeData();
            Attempt(results, "W8", () => results.LargeValues = Stats.Repeat(options.Runs, options.RepeatBudget, () =>
            {
                var run = LargeValueWorkload.Run(data);
                Console.WriteLine($"  W8 run: map of {LargeValueWorkload.MapCalls} over an 80 MB capture {Seconds(run.BigCaptureMapSeconds)}; 80 MB argument round trip {Seconds(run.ArgumentRoundTripSeconds)}");
                return run;
            }));
            Attempt(results, "W8 memory", () =>
            {
                var run = results.LargeCaptureMemory = ChildProcess.Run<LargeCaptureMemoryRun>(8);
                Console.WriteLine($"  W8 memory: {LargeValueWorkload.MemoryCalls} calls over {Megabytes(run.CaptureMegabytes)}: stored {Bytes(run.StoredBytes)}, client peak {Megabytes(run.PeakMegabytes)} ({Megabytes(run.AboveBaselineMegabytes)} above its baseline)");
            });
        }
        if (options.Diagnose)
        {
            Attempt(results, "diagnose", DiagnoseWorkload.Run);
        }
        return results;
    }

    private static List<MapRun> RepeatMap(BenchOptions options, string key, int calls, int chunksize) =>
        Stats.Repeat(options.Runs, options.RepeatBudget, () =>
        {
            var run = MapWorkload.Run(calls, chunksize);
            Console.WriteLine($"  {key} run: {Describe(run)}");
            return run;
        });

    private static LatencyResult Latency()
    {
        var latency = LatencyWorkload.Run(200);
        Console.WriteLine(
            $"  W3: median {Milliseconds(latency.MedianMs)} (Submit returns {Milliseconds(latency.MedianSubmitMs)} + Result waits " +
            $"{Milliseconds(latency.MedianResultMs)}), p90 {Milliseconds(latency.P90Ms)}, min {Milliseconds(latency.MinMs)}");
        return latency;
    }

    private static void RunBigClosure(BenchOptions options, BenchResults results)
    {
        var data = BigClosureWorkload.MakeData();
        Attempt(results, "W4 codec", () =>
        {
            results.Codec = BigClosureWorkload.Codec(data, options.Runs);
            foreach (var run in results.Codec)
            {
                Console.WriteLine($"  W4 codec: encode {Seconds(run.EncodeSeconds)}, decode {Seconds(run.DecodeSeconds)}, {Bytes(run.Bytes)}");
            }
        });
        Attempt(results, "W4 codec, large values apart", () =>
        {
            results.CodecApart = BigClosureWorkload.CodecApart(data, options.Runs);
            foreach (var run in results.CodecApart)
            {
                Console.WriteLine($"  W4 codec, array stored apart: encode {Seconds(run.EncodeSeconds)}, decode {Seconds(run.DecodeSeconds)}, {Bytes(run.Bytes)}");
            }
        });
        Attempt(results, "W4 end to end", () =>
        {
            results.EndToEnd = BigClosureWorkload.EndToEnd(data, options.Runs);
            foreach (var run in results.EndToEnd)
            {
                Console.WriteLine($"  W4 end to end: {Seconds(run.Total)} = Submit returns {Seconds(run.Submit)} + Result waits {Seconds(run.Result)}");
            }
        });
    }

    private static void RunColdStart(BenchOptions options, BenchResults results)
    {
        ColdStartWorkload.HelloWorldStart(); // the first start pays for the disk cache
        results.HelloWorld = [.. Enumerable.Range(0, options.StartRuns).Select(_ => ColdStartWorkload.HelloWorldStart())];
        Console.WriteLine($"  W5 dotnet hello.dll: {string.Join(", ", results.HelloWorld.Select(Seconds))}");
        results.ColdProcess = [.. Enumerable.Range(0, options.StartRuns).Select(_ => ChildProcess.Run<ColdStartRun>(5))];
        results.ColdProcess.ForEach(run => Console.WriteLine($"  W5 new client process: {Describe(run)}"));
        ChildProcess.SpawnToExit("--workload", "5", "--whole-program"); // unmeasured, as peers.py's first start
        results.WholeProgram = [.. Enumerable.Range(0, WholeProgramRuns).Select(_ => ChildProcess.SpawnToExit("--workload", "5", "--whole-program"))];
        Console.WriteLine($"  W5 whole program, spawn to exit: {string.Join(", ", results.WholeProgram.Select(Seconds))}");
        ColdStartWorkload.HelloWorldStart(spawn: true);
        results.TwoHelloWorlds = [.. Enumerable.Range(0, WholeProgramRuns).Select(_ => ColdStartWorkload.HelloWorldStart(spawn: true))];
        Console.WriteLine($"  W5 dotnet hello.dll starting another, spawn to exit: {string.Join(", ", results.TwoHelloWorlds.Select(Seconds))}");
        ColdStartWorkload.OneJob();
        results.ColdExecutor = [.. Enumerable.Range(0, options.StartRuns).Select(_ => ColdStartWorkload.OneJob())];
        results.ColdExecutor.ForEach(run => Console.WriteLine($"  W5 warm client: {Describe(run)}"));
    }

    /// <summary>As peers.py's ppe_cold_process: the median of 5 after one unmeasured start.</summary>
    private const int WholeProgramRuns = 5;

    private static string Describe(MapRun run) =>
        $"{Seconds(run.Total)} ({Microseconds(run.MicrosecondsPerCall)}/call) = new executor {Seconds(run.Construct)} + Map submits " +
        $"{Seconds(run.Submit)} + results {Seconds(run.Collect)} + shutdown {Seconds(run.Shutdown)}";

    private static string Describe(ColdStartRun run) =>
        $"{Seconds(run.ToResult)} to Result = new executor {Seconds(run.Construct)} + Submit {Seconds(run.Submit)} + Result waits " +
        $"{Seconds(run.Result)}; then shutdown {Seconds(run.Shutdown)}";

    /// <summary>Runs one workload; a failure is printed in full and summarized in the table, and the other workloads still run.</summary>
    private static void Attempt(BenchResults results, string key, Action run)
    {
        Console.WriteLine($"{key}:");
        try
        {
            run();
        }
#pragma warning disable CA1031 // The bench reports any failure of the library and goes on with the next workload.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var message = e.Message.Split('\n')[0].Trim();
            results.Errors[key] = $"{e.GetType().Name}: {(message.Length > 90 ? message[..90] + "..." : message)}";
            Console.WriteLine($"  {key} FAILED: {e}");
        }
    }
}
