using BatchPool.Storage;

namespace BatchPool.FateSharing;

/// <summary>
/// The client's side of <see cref="ClientLease"/>: writes the lease once at the start (before any job can look for it),
/// then renews it every <see cref="ClientLease.RenewEvery"/> on the thread pool, off the jobs' path, until disposed (once
/// the session's jobs have all ended). A renewal that fails is tried again at the next tick.
/// </summary>
internal sealed class LeaseRenewer : IAsyncDisposable
{
    private readonly IBatchStorage _storage;
    private readonly string _key;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _renewal;

    private LeaseRenewer(IBatchStorage storage, string key)
    {
        _storage = storage;
        _key = key;
        _loop = Task.Run(RenewAsync);
    }

    /// <summary>
    /// Writes the lease, here, so that it is there before any job looks for it, and starts renewing it. A first write that
    /// fails is tried again at the next tick (the executor's own first write then says what is wrong with its storage).
    /// </summary>
    public static LeaseRenewer Start(IBatchStorage storage, ExecutorLayout layout)
    {
        try
        {
            storage.WriteAsync(layout.Lease, ClientLease.Format(0)).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Workers that look before a renewal lands take the executor for one that keeps no lease.
        }
        return new LeaseRenewer(storage, layout.Lease);
    }

    private async Task RenewAsync()
    {
        using var timer = new PeriodicTimer(ClientLease.RenewEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await _storage.WriteAsync(_key, ClientLease.Format(++_renewal), _stop.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Tried again at the next tick; workers give up only after several missed renewals.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops renewing (the lease stays until the executor's folder is deleted).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
