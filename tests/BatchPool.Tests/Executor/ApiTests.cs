namespace BatchPool.Tests.Executor;

/// <summary>The executor's parameters and small types, without jobs.</summary>
public sealed class ApiTests
{
    [Fact]
    public async Task The_default_name_is_BatchPoolExecutor_and_four_characters()
    {
        await using var backend = new TestBackend();
        await using var bpe = new BatchPoolExecutor(backend: backend.Backend);
        Assert.Matches("^BatchPoolExecutor-[a-z0-9]{4}$", bpe.Name);
        Assert.Same(backend.Backend, bpe.Backend);
    }

    [Theory]
    [InlineData("250m", 0.25, 1)]
    [InlineData("2", 2.0, 2)]
    [InlineData("1.5", 1.5, 1)]
    public void Cpu_counts_parse_kubernetes_notation(string text, double cores, int threads)
    {
        CpuCount count = text;
        Assert.Equal(cores, count.Cores);
        Assert.Equal(threads, count.ThreadLimit);
        Assert.Equal(text, count.ToString());
    }

    [Fact]
    public void Cpu_counts_convert_from_numbers_and_refuse_nonsense()
    {
        CpuCount two = 2;
        CpuCount half = 0.5;
        Assert.Equal(2, two.ThreadLimit);
        Assert.Equal(1, half.ThreadLimit);
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuCount.Parse("0"));
        Assert.Throws<FormatException>(() => CpuCount.Parse("-1"));
        Assert.Throws<FormatException>(() => CpuCount.Parse("lots"));
        // A conversion keeps what it was given, for the executor to refuse by the setting's name.
        Assert.False(((CpuCount)0).IsValid);
        Assert.False(((CpuCount)"lots").IsValid);
        Assert.Equal("lots", ((CpuCount)"lots").ToString());
    }
}
