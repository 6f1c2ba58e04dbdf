namespace BatchPool.Worker;

/// <summary>
/// The <c>serve</c> worker's replies on its standard output. While jobs are short, several replies leave in one write:
/// each write wakes the client, and a write and a wake-up per job of a long map of tiny calls cost more than the calls.
/// A reply is held for at most <see cref="MaxHeldTime"/> (a timer sends it should the next job run longer) and at most
/// <see cref="MaxHeldReplies"/> are held; a reply with nothing queued behind it leaves at once (see
/// <see cref="SendNow"/>), so a lone job's latency is unchanged.
/// </summary>
internal sealed class HeldReplies : IDisposable
{
    /// <summary>Fewer than the client's refill threshold (half its window of jobs in flight), so that it never waits for replies to send more.</summary>
    private const int MaxHeldReplies = 8;

    private static readonly TimeSpan MaxHeldTime = TimeSpan.FromMilliseconds(2);

    private readonly Stream _stream;
    private readonly Lock _lock = new();
    private readonly Timer _timer;
    private int _held;

    public HeldReplies(Stream stream)
    {
        _stream = stream;
        _timer = new Timer(static state => ((HeldReplies)state!).SendOnTime(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Adds a reply (or a start notice); it leaves with the next write.</summary>
    public void Add(int exitCode, ReadOnlySpan<byte> output)
    {
        lock (_lock)
        {
            WorkerFrames.WriteReply(_stream, exitCode, output);
            if (_held++ == 0)
            {
                _timer.Change(MaxHeldTime, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Sends the held replies if enough are held; else they leave by <see cref="MaxHeldTime"/> at the latest.</summary>
    public void SendSoon()
    {
        if (Volatile.Read(ref _held) >= MaxHeldReplies)
        {
            SendNow();
        }
    }

    /// <summary>Sends the held replies now.</summary>
    public void SendNow()
    {
        lock (_lock)
        {
            if (_held == 0)
            {
                return;
            }
            _held = 0;
            _stream.Flush();
        }
    }

    public void Dispose() => _timer.Dispose();

    private void SendOnTime()
    {
        try
        {
            SendNow();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The client is gone: the request reader sees it too, and ends the process.
        }
    }
}
