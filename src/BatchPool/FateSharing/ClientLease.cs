using System.Globalization;
using System.Text;

namespace BatchPool.FateSharing;

/// <summary>What a worker read of its client's lease: present (with its renewal count), missing, or unreadable.</summary>
internal readonly record struct LeaseReading(LeaseReadingKind Kind, long Renewal = 0)
{
    public static LeaseReading Present(long renewal) => new(LeaseReadingKind.Present, renewal);

    public static readonly LeaseReading Missing = new(LeaseReadingKind.Missing);

    public static readonly LeaseReading Unreadable = new(LeaseReadingKind.Unreadable);
}

/// <summary>How a read of the lease came out.</summary>
internal enum LeaseReadingKind
{
    /// <summary>The lease is there and says how many times it was renewed.</summary>
    Present,

    /// <summary>No lease: the executor wrote none (its jobs may outlive it), or its folder was deleted.</summary>
    Missing,

    /// <summary>Storage failed, or the object is not a lease: nothing learnt.</summary>
    Unreadable,
}

/// <summary>What a worker knows of the lease after a read: the renewal it last saw and when (its own clock) that changed.</summary>
/// <param name="Renewal">The renewal count last read.</param>
/// <param name="ChangedAt">When, on the worker's monotonic clock, the count last changed (or was first read).</param>
internal readonly record struct LeaseSight(long Renewal, TimeSpan ChangedAt);

/// <summary>What the worker makes of its client's lease.</summary>
internal enum LeaseVerdict
{
    /// <summary>Not known yet (the first reads failed): read again.</summary>
    Undecided,

    /// <summary>The executor keeps no lease (its jobs outlive their program): stop watching.</summary>
    NotKept,

    /// <summary>Renewed recently enough: the client lives.</summary>
    Alive,

    /// <summary>Not renewed for too long, or deleted after it was seen: the client is gone; give up.</summary>
    Stale,
}

/// <summary>
/// A lease the client renews in the executor's storage (<c>lease</c> in its folder) so that its jobs stop when its whole
/// machine or allocation is gone, which a watcher on that machine (<see cref="ProgramEndWatcher"/>) cannot see. The client
/// rewrites it every <see cref="RenewEvery"/> with a count one higher (<see cref="LeaseRenewer"/>); each worker reads it
/// every <see cref="CheckEvery"/> and gives up when the count has not changed for <see cref="StaleAfter"/> by its own
/// monotonic clock (<see cref="Judge"/>): no clock is compared across machines, so skew does not matter.
/// </summary>
internal static class ClientLease
{
    /// <summary>How often the client renews its lease.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);

    /// <summary>How often a worker reads it.</summary>
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a lease may stay the same before its worker gives up: six renewals missed, so that a client slowed down
    /// (a long pause, a busy store) is not taken for dead; with <see cref="CheckEvery"/>, a job stops 30-35 s after its
    /// client's last renewal, within the 60 s promised.
    /// </summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    private const string Header = "batchpool lease 1\n";

    /// <summary>The lease's bytes for renewal number <paramref name="renewal"/>.</summary>
    public static byte[] Format(long renewal) => Encoding.ASCII.GetBytes(Header + renewal.ToString(CultureInfo.InvariantCulture) + "\n");

    /// <summary>What stored bytes say: present with their renewal count, or unreadable when they are not a lease.</summary>
    public static LeaseReading Parse(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.ASCII.GetString(bytes);
        return text.StartsWith(Header, StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(Header.Length).TrimEnd('\n'), NumberStyles.None, CultureInfo.InvariantCulture, out var renewal)
            ? LeaseReading.Present(renewal)
            : LeaseReading.Unreadable;
    }

    /// <summary>
    /// Judges the lease from a new reading: a pure function of what was known (<paramref name="last"/>; null before
    /// the first reading that told anything), what was read and the worker's monotonic clock (<paramref name="now"/>).
    /// Returns the verdict and what is known after it.
    /// </summary>
    public static (LeaseVerdict Verdict, LeaseSight? Sight) Judge(LeaseSight? last, LeaseReading reading, TimeSpan now, TimeSpan staleAfter)
    {
        if (last is not { } seen)
        {
            return reading.Kind switch
            {
                LeaseReadingKind.Present => (LeaseVerdict.Alive, new LeaseSight(reading.Renewal, now)),
                // The client writes its lease before it submits a job: none at a worker's first look means none is kept.
                LeaseReadingKind.Missing => (LeaseVerdict.NotKept, null),
                _ => (LeaseVerdict.Undecided, null),
            };
        }
        switch (reading.Kind)
        {
            case LeaseReadingKind.Present when reading.Renewal != seen.Renewal:
                return (LeaseVerdict.Alive, new LeaseSight(reading.Renewal, now));
            case LeaseReadingKind.Missing:
                // Seen, then gone: the executor's folder was deleted; its client is done with these jobs.
                return (LeaseVerdict.Stale, seen);
            default:
                // The same count, or nothing learnt (a store that fails as long counts as a client that does not renew).
                return (now - seen.ChangedAt >= staleAfter ? LeaseVerdict.Stale : LeaseVerdict.Alive, seen);
        }
    }
}
