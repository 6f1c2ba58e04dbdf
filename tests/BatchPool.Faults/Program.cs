using System.Globalization;
using BatchPool.Faults;

// hold NAME JOBS PID-FOLDER [--leave]: a client holding running jobs (see HoldingClient).
// suite [local] [docker] [slurm] [dockerd]: runs the fault suite and prints its table (see FaultSuite); dockerd restarts the
// engine (run it under `flock -x` of the engine's lock).
return args switch
{
    ["hold", var name, var jobs, var pids, .. var rest] => HoldingClient.Run(name, int.Parse(jobs, CultureInfo.InvariantCulture), pids, rest.Contains("--leave")),
    ["suite", .. var backends] => await FaultSuite.RunAsync(backends),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: BatchPool.Faults hold NAME JOBS PID-FOLDER [--leave] | suite [local] [docker] [slurm] [dockerd]");
    return 2;
}
