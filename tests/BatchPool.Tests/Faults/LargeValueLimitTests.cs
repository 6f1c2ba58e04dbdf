using BatchPool.Codec;
using BatchPool.Tests.Executor;

namespace BatchPool.Tests.Faults;

/// <summary>Sets an environment variable for every process this test process starts: no other test may run meanwhile.</summary>
[CollectionDefinition(nameof(ProcessEnvironmentCollection), DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection;

/// <summary>
/// Values too large (issue 23, bad input): larger than one value may be, or than a worker can hold. Each a clear error
/// naming the value's path in the capture and its size, never an out-of-memory crash of the worker.
/// </summary>
[Collection(nameof(ProcessEnvironmentCollection))]
public sealed class LargeValueLimitTests : IAsyncLifetime
{
    private const string HeapLimitVariable = "DOTNET_GCHeapHardLimit";

    private readonly TestBackend _backend = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public void An_array_larger_than_one_value_may_be_is_refused_at_submit_naming_its_path_and_size()
    {
        // 2.4 GB, never written: its pages are not touched by the check.
        var big = GC.AllocateUninitializedArray<long>(300_000_000);
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var error = Assert.Throws<UnserializableValueException>(() => bpe.Submit(LengthOf(big)));
        Assert.Equal("closure.Target.big", error.Path);
        Assert.Equal(typeof(long[]), error.ValueType);
        Assert.Contains("2,400,000,000 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("2,147,483,647", error.Message, StringComparison.Ordinal);
        // As an argument too, and the executor goes on.
        Assert.Equal("call[0][0]", Assert.Throws<UnserializableValueException>(() => bpe.Submit((long[] values) => values.Length, big)).Path);
        GC.KeepAlive(big);
        Assert.Equal(3, bpe.Submit(() => 3).Result(TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public void A_value_larger_than_a_worker_can_hold_is_an_error_naming_it_and_the_worker_lives_on()
    {
        // The workers may use 256 MB (a heap limit, as a container's or a Slurm job's memory limit would set); the
        // captured value is 320 MB: the worker refuses it before allocating it, and says which value and how large.
        Environment.SetEnvironmentVariable(HeapLimitVariable, "0x10000000");
        try
        {
            using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = _backend.Backend, PassEnvironment = [HeapLimitVariable] });
            var data = new double[40_000_000];
            data[^1] = 1;
            var pid = bpe.Submit(() => Environment.ProcessId).Result(TimeSpan.FromMinutes(2));
            var sum = SumOf(data);
            var error = Assert.Throws<InsufficientMemoryException>(() => bpe.Submit(sum).Result(TimeSpan.FromMinutes(2)));
            Assert.Contains("closure.Target.data", error.Message, StringComparison.Ordinal);
            Assert.Contains("320,000,000 bytes", error.Message, StringComparison.Ordinal);
            Assert.Contains("does not fit", error.Message, StringComparison.Ordinal);
            // The worker did not crash: the next job runs in the same process.
            Assert.Equal(pid, bpe.Submit(() => Environment.ProcessId).Result(TimeSpan.FromMinutes(2)));
        }
        finally
        {
            Environment.SetEnvironmentVariable(HeapLimitVariable, null);
        }
    }

    // Built apart, so that the closure holds the array alone (not the test's executor).
    private static Func<int> LengthOf(long[] big) => () => big.Length;

    private static Func<double> SumOf(double[] data) => () => data.Sum();

    [Theory]
    [InlineData(100, 1600, 0, true)]
    [InlineData(1500, 1600, 0, true)]
    [InlineData(1501, 1600, 0, false)]
    [InlineData(1000, 1600, 600, false)]
    [InlineData(900, 1600, 600, true)]
    public void A_value_fits_when_the_limit_less_a_sixteenth_less_what_is_in_use_holds_it(long bytes, long limit, long inUse, bool fits) =>
        Assert.Equal(fits, LargeValueRoom.Fits(bytes, limit, inUse));
}
