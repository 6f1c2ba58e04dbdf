namespace BatchPool.Tests.Executor;

/// <summary>
/// AsCompleted and Wait over real jobs, as concurrent.futures' as_completed and wait: the test opens each job's gate
/// (<see cref="Gates"/>) when it wants the job to end, so the orders checked do not depend on the machine's speed.
/// </summary>
public sealed class BatchPoolFuturesTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly TestBackend _backend = new(maxParallelJobs: 4);
    private readonly Gates _gates = new();
    private BatchPoolExecutor _bpe = null!;

    public Task InitializeAsync()
    {
        _bpe = new BatchPoolExecutor(backend: _backend.Backend);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        // Jobs a test left waiting at a closed gate are cancelled, not waited for.
        await _bpe.ShutdownAsync(cancelFutures: true);
        await _backend.DisposeAsync();
        _gates.Dispose();
    }

    [Fact]
    public void AsCompleted_yields_jobs_of_different_durations_in_the_order_they_finish()
    {
        // Warm workers first, so that the jobs below start together and their durations decide the order.
        Assert.Equal([0, 1, 2], _bpe.Map(x => x, [0, 1, 2]));
        var durations = new[] { 6000, 100, 3000 };
        var futures = durations.Select(ms => _bpe.Submit(SleepThenReturn, ms)).ToList();
        var order = BatchPoolFutures.AsCompleted(futures).Select(f => f.Result()).ToList();
        Assert.Equal([100, 3000, 6000], order);
    }

    [Fact]
    public void AsCompleted_yields_futures_as_their_gates_open_and_those_already_done_first()
    {
        var done = _bpe.Submit(() => -1);
        done.Wait();
        var gated = Enumerable.Range(0, 3).Select(i => _bpe.Submit(Gates.Pass, _gates.PathOf($"g{i}"), i)).ToList();
        var opening = new Queue<string>(["g2", "g0", "g1"]);
        var seen = new List<int>();
        foreach (var future in BatchPoolFutures.AsCompleted([.. gated, done, gated[0]], Patience))
        {
            seen.Add(future.Result());
            if (opening.TryDequeue(out var next))
            {
                _gates.Open(next);
            }
        }
        // done first, then in the order the gates were opened; gated[0], given twice, is yielded once.
        Assert.Equal([-1, 2, 0, 1], seen);
    }

    [Fact]
    public void AsCompleted_throws_TimeoutException_when_the_timeout_passes_with_futures_left()
    {
        var quick = _bpe.Submit(() => 1);
        var stuck = _bpe.Submit(Gates.Pass, _gates.PathOf("stuck"), 2);
        var seen = new List<BatchPoolFuture<int>>();
        var error = Assert.Throws<TimeoutException>(() =>
        {
            foreach (var future in BatchPoolFutures.AsCompleted([quick, stuck], TimeSpan.FromSeconds(3)))
            {
                seen.Add(future);
            }
        });
        Assert.Equal([quick], seen);
        Assert.StartsWith("1 of 2 futures did not complete within", error.Message, StringComparison.Ordinal);
        // The wait timed out, not the job: it finishes once let go.
        Assert.False(stuck.Done);
        _gates.Open("stuck");
        Assert.Equal(2, stuck.Result(Patience));
    }

    [Fact]
    public async Task AsCompletedAsync_yields_in_completion_order_and_times_out_as_AsCompleted_does()
    {
        var gated = Enumerable.Range(0, 2).Select(i => _bpe.Submit(Gates.PassAsync, _gates.PathOf($"a{i}"), i)).ToList();
        _gates.Open("a1");
        var seen = new List<int>();
        await foreach (var future in BatchPoolFutures.AsCompletedAsync(gated, Patience))
        {
            seen.Add(await future);
            _gates.Open("a0");
        }
        Assert.Equal([1, 0], seen);

        var stuck = _bpe.Submit(Gates.Pass, _gates.PathOf("async-stuck"), 0);
        await Assert.ThrowsAsync<TimeoutException>(async () =>
        {
            await foreach (var future in BatchPoolFutures.AsCompletedAsync([stuck], TimeSpan.FromMilliseconds(500)))
            {
                Assert.Fail($"{future} was yielded before its gate opened.");
            }
        });
        Assert.False(stuck.Done);
    }

    [Fact]
    public void Futures_of_different_result_types_are_waited_on_together()
    {
        BatchPoolFuture<int> number = _bpe.Submit(() => 1);
        BatchPoolFuture<string> text = _bpe.Submit(() => "one");
        BatchPoolFuture action = _bpe.Submit(() => { });
        var completed = BatchPoolFutures.AsCompleted<BatchPoolFuture>([number, text, action], Patience).ToList();
        Assert.Equal(3, completed.Count);
        Assert.Contains(number, completed);
        Assert.Contains(text, completed);
        Assert.Contains(action, completed);
        var (done, notDone) = BatchPoolFutures.Wait<BatchPoolFuture>([number, text, action]);
        Assert.Equal(3, done.Count);
        Assert.Empty(notDone);
        Assert.Equal("one", text.Result());
    }

    [Fact]
    public void Wait_for_all_returns_every_future_done()
    {
        var futures = Enumerable.Range(0, 4).Select(i => _bpe.Submit(x => x * x, i)).ToList();
        var result = BatchPoolFutures.Wait(futures);
        Assert.Equal(futures.ToHashSet(), result.Done.ToHashSet());
        Assert.Empty(result.NotDone);
        Assert.All(futures, f => Assert.True(f.Done));
    }

    [Fact]
    public void Wait_for_the_first_completed_returns_when_one_is_done()
    {
        var stuck = _bpe.Submit(Gates.Pass, _gates.PathOf("first-stuck"), 0);
        var quick = _bpe.Submit(() => 1);
        var (done, notDone) = BatchPoolFutures.Wait([stuck, quick], Patience, ReturnWhen.FirstCompleted);
        Assert.Equal([quick], done);
        Assert.Equal([stuck], notDone);
    }

    [Fact]
    public void Wait_for_the_first_exception_returns_when_a_job_throws()
    {
        var stuck = _bpe.Submit(Gates.Pass, _gates.PathOf("exception-stuck"), 0);
        var fine = _bpe.Submit(() => 1);
        fine.Wait();
        var throwing = _bpe.Submit(async () => { await Task.Delay(50); return int.Parse("x", System.Globalization.CultureInfo.InvariantCulture); });
        var (done, notDone) = BatchPoolFutures.Wait([stuck, fine, throwing], Patience, ReturnWhen.FirstException);
        Assert.Contains(throwing, done);
        Assert.Contains(fine, done);
        Assert.Equal([stuck], notDone);
        Assert.IsType<FormatException>(throwing.Exception());
    }

    [Fact]
    public async Task Wait_for_the_first_exception_is_a_wait_for_all_when_none_throws_and_a_cancelled_one_is_no_exception()
    {
        var cancelled = _bpe.Submit(Gates.Pass, _gates.PathOf("cancelled"), 0);
        Assert.True(cancelled.Cancel());
        var gated = _bpe.Submit(Gates.Pass, _gates.PathOf("last"), 1);
        var waiting = BatchPoolFutures.WaitAsync([cancelled, gated], Patience, ReturnWhen.FirstException);
        // A cancelled future is done, but not with an exception: the wait goes on for the gated one.
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        _gates.Open("last");
        var (done, notDone) = await waiting;
        Assert.Equal(2, done.Count);
        Assert.Empty(notDone);
    }

    [Fact]
    public async Task A_wait_that_times_out_returns_what_is_done_without_throwing()
    {
        var quick = _bpe.Submit(() => 1);
        quick.Wait();
        var stuck = _bpe.Submit(Gates.Pass, _gates.PathOf("timeout-stuck"), 0);
        var (done, notDone) = BatchPoolFutures.Wait([quick, stuck], TimeSpan.FromMilliseconds(300));
        Assert.Equal([quick], done);
        Assert.Equal([stuck], notDone);
        var later = await BatchPoolFutures.WaitAsync([quick, stuck], TimeSpan.Zero, ReturnWhen.AllCompleted);
        Assert.Equal([stuck], later.NotDone);
    }

    [Fact]
    public async Task WaitAsync_returns_as_Wait_does()
    {
        var stuck = _bpe.Submit(Gates.PassAsync, _gates.PathOf("wait-async"), 0);
        var quick = _bpe.Submit(() => 1);
        var first = await BatchPoolFutures.WaitAsync([stuck, quick], Patience, ReturnWhen.FirstCompleted);
        Assert.Equal([quick], first.Done);
        _gates.Open("wait-async");
        var all = await BatchPoolFutures.WaitAsync([stuck, quick], Patience);
        Assert.Equal(2, all.Done.Count);
    }

    [Fact]
    public async Task Empty_input_gives_nothing_at_once()
    {
        Assert.Empty(BatchPoolFutures.AsCompleted(Array.Empty<BatchPoolFuture>()));
        Assert.Empty(await BatchPoolFutures.AsCompletedAsync(Array.Empty<BatchPoolFuture<int>>(), TimeSpan.Zero).ToListAsync());
        foreach (var returnWhen in Enum.GetValues<ReturnWhen>())
        {
            var (done, notDone) = BatchPoolFutures.Wait(Array.Empty<BatchPoolFuture>(), returnWhen: returnWhen);
            Assert.Empty(done);
            Assert.Empty(notDone);
            var waited = await BatchPoolFutures.WaitAsync(Array.Empty<BatchPoolFuture>(), TimeSpan.Zero, returnWhen);
            Assert.Empty(waited.Done);
        }
    }

    [Fact]
    public void Bad_arguments_are_refused_naming_what_is_wrong()
    {
        var future = _bpe.Submit(() => 1);
        Assert.Throws<ArgumentNullException>(() => BatchPoolFutures.AsCompleted<BatchPoolFuture>(null!));
        var nullFuture = Assert.Throws<ArgumentException>(() => BatchPoolFutures.AsCompleted([future, null!]));
        Assert.Contains("null at position 1", nullFuture.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchPoolFutures.Wait([future], TimeSpan.FromSeconds(-2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = BatchPoolFutures.WaitAsync([future], returnWhen: (ReturnWhen)7); });
    }

    private static int SleepThenReturn(int milliseconds)
    {
        Thread.Sleep(milliseconds);
        return milliseconds;
    }
}
