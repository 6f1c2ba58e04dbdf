namespace BatchPool.Tests.Executor;

/// <summary>
/// A token stops a wait (ResultAsync, WaitAsync, SubmitAsync's submission, AsCompletedAsync, WaitAsync of many,
/// ShutdownAsync), never the job; Cancel() stops the job. And AsTask(), a task that completes with the future.
/// </summary>
public sealed class CancellationTokenTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly TestBackend _backend = new(maxParallelJobs: 3);
    private readonly Gates _gates = new();
    private BatchPoolExecutor _bpe = null!;

    public Task InitializeAsync()
    {
        _bpe = new BatchPoolExecutor(backend: _backend.Backend);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _bpe.ShutdownAsync(cancelFutures: true);
        await _backend.DisposeAsync();
        _gates.Dispose();
    }

    [Fact]
    public async Task A_token_stops_ResultAsync_and_WaitAsync_but_the_job_goes_on()
    {
        var future = _bpe.Submit(Gates.PassAsync, _gates.PathOf("result"), 7);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => future.ResultAsync(cancellationToken: stop.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => future.WaitAsync(cancellationToken: stop.Token));
        Assert.False(future.Cancelled);
        Assert.False(future.Done);
        _gates.Open("result");
        Assert.Equal(7, await future.ResultAsync(Patience));
    }

    [Fact]
    public async Task Cancel_stops_the_job_and_every_wait_sees_it_cancelled()
    {
        var future = _bpe.Submit(Gates.Pass, _gates.PathOf("never"), 1);
        Assert.True(await future.CancelAsync());
        Assert.True(future.Cancelled);
        Assert.True(future.Done);
        await Assert.ThrowsAsync<TaskCanceledException>(() => future.ResultAsync());
        Assert.True(future.AsTask().IsCanceled);
    }

    [Fact]
    public async Task CancelAsync_with_a_cancelled_token_leaves_the_job_alone()
    {
        var future = _bpe.Submit(Gates.Pass, _gates.PathOf("kept"), 3);
        var cancelling = future.CancelAsync(new CancellationToken(canceled: true));
        Assert.True(cancelling.IsCanceled);
        Assert.False(future.Cancelled);
        _gates.Open("kept");
        Assert.Equal(3, await future.ResultAsync(Patience));
    }

    [Fact]
    public async Task SubmitAsync_with_a_cancelled_token_submits_nothing()
    {
        var marker = _gates.PathOf("submitted");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _bpe.SubmitAsync(async () => await File.WriteAllTextAsync(marker, "ran"), new CancellationToken(canceled: true)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _bpe.SubmitAsync((int x) => File.WriteAllText(marker, $"{x}"), 1, new CancellationToken(canceled: true)));
        // Shutting down waits for every job submitted: had one been, it would have written the marker by then.
        await _bpe.ShutdownAsync();
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task MapAsync_of_an_async_function_stops_at_its_token()
    {
        // Built apart: a lambda written here would share its closure with the token's source, which cannot be shipped.
        var firstAtOnce = FirstAtOnceOthersGated(_gates.Folder);
        using var stop = new CancellationTokenSource();
        var seen = new List<int>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var value in _bpe.MapAsync(firstAtOnce, [0, 1, 2], cancellationToken: stop.Token))
            {
                seen.Add(value);
                await stop.CancelAsync();
            }
        });
        Assert.Equal([0], seen);
    }

    [Fact]
    public async Task AsTask_completes_faults_or_is_cancelled_with_the_future()
    {
        var values = Enumerable.Range(1, 3).Select(i => _bpe.Submit(async (int x) => { await Task.Delay(1); return x * 10; }, i)).ToList();
        int[] all = await Task.WhenAll(values.Select(f => f.AsTask()));
        Assert.Equal([10, 20, 30], all);

        var failing = _bpe.Submit(async () => { await Task.Yield(); throw new InvalidDataException("bad data"); });
        var fault = await Assert.ThrowsAsync<InvalidDataException>(() => failing.AsTask());
        Assert.Equal("bad data", fault.Message);

        var gated = _bpe.Submit(Gates.Pass, _gates.PathOf("as-task"), 4);
        var task = gated.AsTask();
        Assert.False(task.IsCompleted);
        gated.Cancel();
        await Assert.ThrowsAsync<TaskCanceledException>(() => task);
        Assert.True(task.IsCanceled);
    }

    [Fact]
    public async Task A_token_stops_AsCompletedAsync_and_WaitAsync_of_many_but_not_the_jobs()
    {
        var stuck = _bpe.Submit(Gates.Pass, _gates.PathOf("many"), 5);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var future in BatchPoolFutures.AsCompletedAsync([stuck], cancellationToken: stop.Token))
            {
                Assert.Fail($"{future} was yielded before its gate opened.");
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => BatchPoolFutures.WaitAsync([stuck], cancellationToken: stop.Token));
        Assert.False(stuck.Cancelled);
        _gates.Open("many");
        Assert.Equal(5, await stuck.ResultAsync(Patience));
    }

    [Fact]
    public async Task A_token_stops_waiting_for_ShutdownAsync_and_the_shutdown_goes_on()
    {
        var stuck = _bpe.Submit(Gates.Pass, _gates.PathOf("shutdown"), 6);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _bpe.ShutdownAsync(cancellationToken: stop.Token));
        Assert.Throws<ExecutorShutDownException>(() => _bpe.Submit(() => 1));
        Assert.False(stuck.Done);
        _gates.Open("shutdown");
        await _bpe.ShutdownAsync().WaitAsync(Patience);
        Assert.Equal(6, stuck.Result());
    }

    private static Func<int, Task<int>> FirstAtOnceOthersGated(string folder) =>
        async x => x == 0 ? 0 : await Gates.PassAsync(Path.Combine(folder, $"map-{x}"), x);
}
