using System.Globalization;
using BatchPool.Faults;

// hold NAME JOBS PID-FOLDER [--leave]: a client holding running jobs (see HoldingClient).
// suite [local] [docker] [slurm] [dockerd] [slurm-nodes]: runs the fault suite and prints its table (see FaultSuite);
// dockerd restarts the shared engine and slurm-nodes takes its nodes down (run them under `flock -x` of the engine's or
// the cluster's lock).
return args switch
{
    ["hold", var name, var jobs, var pids, .. var rest] => HoldingClient.Run(name, int.Parse(jobs, CultureInfo.InvariantCulture), pids, rest.Contains("--leave")),
    ["suite", .. var backends] => await FaultSuite.RunAsync(backends),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: BatchPool.Faults hold NAME JOBS PID-FOLDER [--leave] | suite [local] [docker] [slurm] [dockerd] [slurm-nodes]");
    return 2;
}
