namespace BatchPool.Tests.Executor;

/// <summary>
/// A large result stored apart is authenticated by the hash its output names: bytes altered in storage are refused
/// (the attempt counts as lost, and the error says why), never handed to the program.
/// </summary>
public sealed class LargeResultTamperingTests : IAsyncLifetime
{
    private readonly TestBackend _backend = new(payloadsThroughStorage: true);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public void A_large_result_altered_in_storage_is_refused()
    {
        using var bpe = new BatchPoolExecutor(new BatchPoolExecutorOptions { Backend = _backend.Backend, MaxAttempts = 2 });
        static long[] Squares(int n) => [.. Enumerable.Range(0, n).Select(i => (long)i * i)];
        Assert.Equal(Squares(300_000), bpe.Submit(Squares, 300_000).Result(TimeSpan.FromMinutes(2)));

        // The same result again finds its value stored: altered there, it is refused on every attempt.
        var value = Assert.Single(Directory.GetFiles(Path.Combine(_backend.FolderOf(bpe), "values")));
        var bytes = File.ReadAllBytes(value);
        bytes[bytes.Length / 2] ^= 1;
        File.WriteAllBytes(value, bytes);
        var error = Assert.Throws<BatchJobFailedException>(() => bpe.Submit(Squares, 300_000).Result(TimeSpan.FromMinutes(2)));
        Assert.Equal(2, error.Attempts.Count);
        Assert.All(error.Attempts, attempt => Assert.Contains("does not match the hash and size", attempt.Cause, StringComparison.Ordinal));
        Assert.Contains(Path.GetFileName(value), error.Message, StringComparison.Ordinal);
    }
}
