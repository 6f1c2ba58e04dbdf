using System.Diagnostics;
using BatchPool.FateSharing;
using BatchPool.Storage;

namespace BatchPool.Worker;

/// <summary>
/// The worker's side of <see cref="ClientLease"/>: a background thread reads the executor's lease every
/// <see cref="ClientLease.CheckEvery"/> and, once <see cref="ClientLease.Judge"/> finds it stale, says so in the log and
/// ends the process with <see cref="WorkerProtocol.ClientGone"/>, whatever job runs: its client is gone, with its machine
/// perhaps, and nobody will take the results. It stops watching at once when the executor keeps no lease (its jobs outlive
/// it). Off the jobs' path: one small read every few seconds, on a thread of its own (a job that fills the thread pool
/// does not hold it up).
/// </summary>
internal sealed class LeaseWatch : IDisposable
{
    private readonly ManualResetEventSlim _stop = new();
    private readonly string _locator;
    private readonly string _folder;
    private readonly TextWriter _log;

    private LeaseWatch(string locator, string folder, TextWriter log)
    {
        _locator = locator;
        _folder = folder;
        _log = log;
    }

    /// <summary>Starts watching the lease of the executor whose storage and folder are given.</summary>
    public static LeaseWatch Start(string storageLocator, string folder, TextWriter log)
    {
        var watch = new LeaseWatch(storageLocator, folder, log);
        new Thread(watch.Run) { IsBackground = true, Name = "batchpool-lease" }.Start();
        return watch;
    }

    /// <summary>Stops watching (the worker is done with this executor).</summary>
    public void Dispose() => _stop.Set();

    private void Run()
    {
        var clock = Stopwatch.StartNew();
        // The first read after one period: an executor whose jobs end sooner never opens its storage here at all.
        if (_stop.Wait(ClientLease.CheckEvery))
        {
            return;
        }
        IBatchStorage storage;
        try
        {
            storage = StorageLocator.Open(_locator);
        }
        catch (ArgumentException)
        {
            // The job's own run says what is wrong with its storage.
            return;
        }
        var key = new ExecutorLayout(_folder).Lease;
        LeaseSight? sight = null;
        do
        {
            LeaseVerdict verdict;
            (verdict, sight) = ClientLease.Judge(sight, Read(storage, key), clock.Elapsed, ClientLease.StaleAfter);
            if (_stop.IsSet || verdict == LeaseVerdict.NotKept)
            {
                return;
            }
            if (verdict == LeaseVerdict.Stale)
            {
                _log.WriteLine($"batchpool worker: the client's lease ({_locator}{key}) was not renewed for {ClientLease.StaleAfter.TotalSeconds:0} s, or was deleted: the client is gone; this worker stops.");
                _log.Flush();
                Environment.Exit(WorkerProtocol.ClientGone);
            }
        }
        while (!_stop.Wait(ClientLease.CheckEvery));
    }

    private static LeaseReading Read(IBatchStorage storage, string key)
    {
        try
        {
            return storage.ReadAsync(key).AsTask().GetAwaiter().GetResult() is { } bytes ? ClientLease.Parse(bytes) : LeaseReading.Missing;
        }
#pragma warning disable CA1031 // Whatever the store throws, nothing is learnt from this read.
        catch (Exception)
#pragma warning restore CA1031
        {
            return LeaseReading.Unreadable;
        }
    }
}
