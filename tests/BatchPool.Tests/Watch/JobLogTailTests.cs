using BatchPool.Logs;

namespace BatchPool.Tests.Watch;

/// <summary>A call's log is capped and keeps its end.</summary>
public sealed class JobLogTailTests
{
    [Fact]
    public void A_log_under_the_cap_is_kept_whole()
    {
        var tail = new JobLogTail(100);
        tail.Append("hello ");
        tail.Append('w');
        tail.Append("orld");
        Assert.Equal("hello world", tail.Take());
        Assert.True(tail.IsEmpty);
    }

    [Fact]
    public void A_log_over_the_cap_keeps_its_last_characters_after_a_note()
    {
        var tail = new JobLogTail(10);
        for (var i = 0; i < 100; i++)
        {
            tail.Append(i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal(JobLogTail.TruncationNote + "9596979899", tail.Take());
    }

    [Fact]
    public void One_write_longer_than_the_cap_keeps_its_end()
    {
        var tail = new JobLogTail(4);
        tail.Append("abcdefgh");
        Assert.Equal(JobLogTail.TruncationNote + "efgh", tail.Take());
    }

    [Fact]
    public void The_cap_must_be_positive() => Assert.Throws<ArgumentOutOfRangeException>(() => new JobLogTail(0));
}
