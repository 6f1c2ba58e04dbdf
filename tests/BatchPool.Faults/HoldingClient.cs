namespace BatchPool.Faults;

/// <summary>
/// A client program that starts jobs which run for 10 minutes and waits until it is killed or signalled: the backend is
/// the one <c>BATCHPOOL_BACKEND</c> names. Each job writes its process id to a file of its own in the pid folder (local
/// workers run on this machine). Prints "ready" once every job runs; with <c>--leave</c>, it then leaves the executor
/// without waiting (<c>waitOnExit: false</c>) and ends normally.
/// </summary>
internal static class HoldingClient
{
    public static int Run(string executorName, int jobs, string pidFolder, bool leave)
    {
        Directory.CreateDirectory(pidFolder);
        var executor = new BatchPoolExecutor(new BatchPoolExecutorOptions { Name = executorName, WaitOnExit = !leave });
        var futures = Enumerable.Range(0, jobs).Select(i => executor.Submit(LongJob(pidFolder, i))).ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (!futures.All(f => f.Running))
        {
            if (DateTime.UtcNow > deadline || futures.Any(f => f.Done))
            {
                Console.Error.WriteLine($"the jobs did not all start: {futures.Count(f => f.Running)} of {jobs} run; " +
                    string.Join("; ", futures.Where(f => f.Done).Select(f => f.Exception()?.Message)));
                return 1;
            }
            Thread.Sleep(100);
        }
        Console.WriteLine("ready");
        Console.Out.Flush();
        if (leave)
        {
            executor.Dispose();
            return 0;
        }
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    /// <summary>
    /// A job that records its process and runs 10 minutes; built here, where no executor is captured. A job in a container
    /// does not see the pid folder (only the executor's folder is mounted there), and its process id would be the
    /// container's own: it records nothing, and the engine's listing tells what runs. (It used to write there anyway and
    /// fail at once, so that the containers went by themselves a second after they started, whether the client lived or not.)
    /// </summary>
    private static Func<int> LongJob(string pidFolder, int i) => () =>
    {
        if (Directory.Exists(pidFolder))
        {
            File.WriteAllText(Path.Combine(pidFolder, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)), "");
        }
        Thread.Sleep(TimeSpan.FromMinutes(10));
        return i;
    };
}
