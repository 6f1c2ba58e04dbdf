using System.Diagnostics;
using System.Reflection;
using BatchPool.Bench;
using BatchPool.Bench.Workloads;

// Read before anything else: a fresh workload 1 counts from its process's start.
var sinceStartAtMain = args.Contains("--workload") ? FreshMapWorkload.SecondsSinceProcessStart() : 0;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

switch (options.ChildWorkload)
{
    case 1:
        ChildProcess.Reply(FreshMapWorkload.RunHere(sinceStartAtMain));
        return 0;
    case 5 when options.WholeProgram:
        ColdStartWorkload.OneJob(); // a whole program: no answer, the parent times it from spawn to exit
        return 0;
    case 5:
        ChildProcess.Reply(ColdStartWorkload.OneJob());
        return 0;
    case 6:
        ChildProcess.Reply(MemoryWorkload.RunHere());
        return 0;
    case 8:
        ChildProcess.Reply(LargeValueWorkload.RunHere());
        return 0;
    case { } other:
        Console.Error.WriteLine($"Workload {other} does not run as a child process.");
        return 2;
    default:
        break;
}

if (options.StorageRoundTrip is { } roundTripStorage)
{
    ChildProcess.Reply(StorageWorkload.RoundTripHere(roundTripStorage));
    return 0;
}

if (options.StorageAddresses is { } storageAddresses)
{
    Console.WriteLine(MachineInfo.Describe());
    StorageWorkload.Run(storageAddresses, Console.Out);
    return 0;
}

if (options.SlurmFolder is { } slurmFolder)
{
    Console.WriteLine(MachineInfo.Describe());
    SlurmWorkload.Run(Path.GetFullPath(slurmFolder), options.Quick, Console.Out);
    return 0;
}

Console.WriteLine("BatchPool benchmark (issue 4)");
Console.WriteLine(MachineInfo.Describe());
Console.WriteLine($"At start: {MachineInfo.LoadAverage()}");
if (typeof(BenchOptions).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true)
{
    Console.WriteLine("WARNING: a Debug build; the figures mean nothing. Run with -c Release.");
}
Console.WriteLine($"Workloads {string.Join(",", options.Only.Order())}; {(options.Quick ? "quick: 1 run each" : $"median of up to {options.Runs} runs")}");
Console.WriteLine($"Before the first workload: {MachineInfo.WaitUntilIdle(TimeSpan.FromSeconds(20))}");
Console.WriteLine();

using var listeners = options.Listen ? BenchListeners.Attach() : null;
Console.WriteLine(listeners is null ? "Telemetry: no listener attached" : "Telemetry: --listen: every span, measurement and progress report of BatchPool taken");
var results = BenchRunner.Run(options);
if (listeners is not null)
{
    Console.WriteLine($"Telemetry: {listeners.Describe()}");
}

var peers = new PeerResults();
var peerNames = PythonPeers.For(options).ToList();
if (!options.NoPeers && peerNames.Count > 0)
{
    Console.WriteLine("Python peers:");
    if (PythonPeers.LocateScript(options.PeersScript) is { } script)
    {
        Console.WriteLine($"  {options.Python} {script} --json");
        peers = PythonPeers.Run(options.Python, script, peerNames, options.Runs);
    }
    else
    {
        Console.WriteLine("  peers.py not found (pass --peers-script PATH); peer columns are n/a");
    }
}

Console.WriteLine();
Console.WriteLine(MachineInfo.Describe());
Console.WriteLine($"At end: {MachineInfo.LoadAverage()}");
Report.Print(Report.Rows(options, results, peers), Console.Out);
return results.Errors.Count == 0 ? 0 : 1;
