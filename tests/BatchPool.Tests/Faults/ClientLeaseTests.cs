using BatchPool.FateSharing;

namespace BatchPool.Tests.Faults;

/// <summary>When a worker takes its client for gone: the lease's decision, from readings and the worker's own clock.</summary>
public sealed class ClientLeaseTests
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    /// <summary>A case: what was known (renewal, changed at, in seconds; null: nothing yet), the reading, the clock; then the verdict and what is known after.</summary>
    public static TheoryData<string, long?, double, string, long, double, string, long?, double> Cases => new()
    {
        // The first reading.
        { "first reading: the lease is there", null, 0, "Present", 4, 5, "Alive", 4, 5 },
        { "first reading: no lease (the jobs outlive the program)", null, 0, "Missing", 0, 5, "NotKept", null, 0 },
        { "first reading: storage failed", null, 0, "Unreadable", 0, 5, "Undecided", null, 0 },
        // Renewed: alive, and the clock starts again from now.
        { "renewed", 4, 5, "Present", 5, 10, "Alive", 5, 10 },
        { "renewed after a long silence", 4, 5, "Present", 9, 34, "Alive", 9, 34 },
        { "a lower count is a change too (a client that started again)", 4, 5, "Present", 0, 20, "Alive", 0, 20 },
        // The same count: alive until the limit, stale from it.
        { "the same count, within the limit", 4, 5, "Present", 4, 34.9, "Alive", 4, 5 },
        { "the same count, at the limit", 4, 5, "Present", 4, 35, "Stale", 4, 5 },
        { "the same count, past the limit", 4, 5, "Present", 4, 120, "Stale", 4, 5 },
        // Storage that fails counts as a lease not renewed.
        { "unreadable, within the limit", 4, 5, "Unreadable", 0, 20, "Alive", 4, 5 },
        { "unreadable, past the limit", 4, 5, "Unreadable", 0, 36, "Stale", 4, 5 },
        // Seen, then deleted: the executor's folder is gone.
        { "deleted after it was seen", 4, 5, "Missing", 0, 6, "Stale", 4, 5 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Judges(string situation, long? renewal, double changedAt, string reading, long readRenewal, double now, string verdict, long? renewalAfter, double changedAtAfter)
    {
        LeaseSight? last = renewal is { } seen ? new LeaseSight(seen, TimeSpan.FromSeconds(changedAt)) : null;
        var read = Enum.Parse<LeaseReadingKind>(reading) switch
        {
            LeaseReadingKind.Present => LeaseReading.Present(readRenewal),
            LeaseReadingKind.Missing => LeaseReading.Missing,
            _ => LeaseReading.Unreadable,
        };
        var (judged, sight) = ClientLease.Judge(last, read, TimeSpan.FromSeconds(now), StaleAfter);
        Assert.True(Enum.Parse<LeaseVerdict>(verdict) == judged, $"{situation}: expected {verdict}, got {judged}");
        Assert.Equal(renewalAfter is { } after ? new LeaseSight(after, TimeSpan.FromSeconds(changedAtAfter)) : null, sight);
    }

    [Fact]
    public void A_lease_reads_back_its_renewal_and_other_bytes_are_not_a_lease()
    {
        Assert.Equal(LeaseReading.Present(0), ClientLease.Parse(ClientLease.Format(0)));
        Assert.Equal(LeaseReading.Present(long.MaxValue), ClientLease.Parse(ClientLease.Format(long.MaxValue)));
        Assert.Equal(LeaseReading.Unreadable, ClientLease.Parse("batchpool lease 1\n-3\n"u8));
        Assert.Equal(LeaseReading.Unreadable, ClientLease.Parse("batchpool lease 2\n3\n"u8));
        Assert.Equal(LeaseReading.Unreadable, ClientLease.Parse([]));
    }

    [Fact]
    public void A_job_stops_within_60_s_of_the_last_renewal_at_worst()
    {
        // The last renewal just after a read: seen one check later, judged stale a limit after that, at the next check.
        var worst = ClientLease.CheckEvery + ClientLease.StaleAfter + ClientLease.CheckEvery;
        Assert.True(worst <= TimeSpan.FromSeconds(60) - ClientLease.RenewEvery, $"{worst}");
        Assert.True(ClientLease.StaleAfter >= 5 * ClientLease.RenewEvery, "a client must be able to miss a few renewals");
    }
}
