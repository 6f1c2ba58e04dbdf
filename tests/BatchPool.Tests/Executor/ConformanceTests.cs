namespace BatchPool.Tests.Executor;

/// <summary>The 18 behaviours that the tests of Hail's BatchPoolExecutor check, on the local backend.</summary>
public abstract class ConformanceTests(Func<TestBackend> createBackend) : IAsyncLifetime
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(2);
    private readonly TestBackend _backend = createBackend();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public void B01_map_triples_in_order()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        Assert.Equal([0, 3, 6, 9], bpe.Map(x => x * 3, Enumerable.Range(0, 4)).ToList());
    }

    [Fact]
    public void B02_map_over_nothing_gives_nothing()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        Assert.Empty(bpe.Map(x => x * 3, Enumerable.Empty<int>()));
    }

    [Fact]
    public void B03_result_after_leaving_the_block()
    {
        BatchPoolFuture<int> future;
        using (var bpe = new BatchPoolExecutor(backend: _backend.Backend))
        {
            future = bpe.Submit(() => 7 * 3);
        }
        Assert.Equal(21, future.Result());
    }

    [Fact]
    public void B04_cancel_a_job_that_sleeps_forever()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var future = bpe.Submit(SleepForever);
        Assert.True(future.Cancel());
        Assert.True(future.Cancelled);
        Assert.True(future.Done);
        Assert.Throws<TaskCanceledException>(() => future.Result());
    }

    [Fact]
    public void B05_cancel_after_shutdown_without_waiting()
    {
        var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var future = bpe.Submit(SleepForever);
        bpe.Shutdown(wait: false);
        Assert.True(future.Cancel());
        Assert.True(future.Cancelled);
    }

    [Fact]
    public void B06_cancel_after_leaving_a_block_that_does_not_wait()
    {
        BatchPoolFuture<int> future;
        using (var bpe = new BatchPoolExecutor(backend: _backend.Backend, waitOnExit: false))
        {
            future = bpe.Submit(SleepForever);
        }
        Assert.True(future.Cancel());
        Assert.True(future.Cancelled);
    }

    [Fact]
    public void B07_result_times_out_on_a_sleeping_job()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend, waitOnExit: false);
        var future = bpe.Submit(SleepForever);
        Assert.Throws<TimeoutException>(() => future.Result(Short));
        Assert.False(future.Done);
        future.Cancel();
    }

    [Fact]
    public void B08_map_over_pairs_in_chunks_of_five()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var xs = Enumerable.Range(0, 25).ToList();
        var ys = Enumerable.Range(0, 25).Select(i => i * 10).ToList();
        Assert.Equal(xs.Select(x => x * x * 10), bpe.Map((int x, int y) => x * y, xs, ys, chunksize: 5));
    }

    [Fact]
    public void B09_map_with_a_timeout_over_sleeping_jobs_times_out_while_iterating()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend, waitOnExit: false);
        var results = bpe.Map(SleepForeverWith, Enumerable.Range(0, 4), timeout: Short);
        Assert.Throws<TimeoutException>(() => results.ToList());
    }

    [Fact]
    public void B10_a_map_never_iterated_raises_nothing()
    {
        var error = Record.Exception(() =>
        {
            using var bpe = new BatchPoolExecutor(backend: _backend.Backend, waitOnExit: false);
            _ = bpe.Map(SleepForeverWith, Enumerable.Range(0, 4));
        });
        Assert.Null(error);
    }

    [Fact]
    public void B11_a_mapped_exception_surfaces_when_iterating()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var results = bpe.Map(Die, Enumerable.Range(0, 2));
        var error = Assert.Throws<InvalidOperationException>(() => results.ToList());
        Assert.Equal("dead", error.Message);
    }

    [Fact]
    public void B12_an_exception_surfaces_through_result()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var error = Assert.Throws<InvalidOperationException>(() => bpe.Submit(Die, 1).Result());
        Assert.Equal("dead", error.Message);
    }

    [Fact]
    public void B13_an_exception_surfaces_through_exception()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var error = Assert.IsType<InvalidOperationException>(bpe.Submit(Die, 1).Exception());
        Assert.Equal("dead", error.Message);
    }

    [Fact]
    public void B14_leaving_the_block_does_not_raise_and_a_later_exception_shows_the_error()
    {
        BatchPoolFuture<int> future;
        using (var bpe = new BatchPoolExecutor(backend: _backend.Backend))
        {
            future = bpe.Submit(Die, 1);
        }
        Assert.Equal("dead", future.Exception()?.Message);
    }

    [Fact]
    public void B15_an_image_the_backend_cannot_run_is_a_clear_error()
    {
        const string image = "no-such-image:404";
        if ((_backend.Backend is Storage.PassingBackend passing ? passing.Inner : _backend.Backend) is LocalBackend or SlurmBackend)
        {
            // No container runtime (Slurm without a ContainerLauncher): the image is refused at once.
            var refused = Assert.Throws<ArgumentException>(() => new BatchPoolExecutor(backend: _backend.Backend, image: image));
            Assert.Contains(image, refused.Message, StringComparison.Ordinal);
            return;
        }
        // A container backend tries the image: the job fails, as the original's does, naming it.
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend, image: image);
        var error = Assert.Throws<BatchJobFailedException>(() => bpe.Submit(() => 1).Result(TimeSpan.FromSeconds(60)));
        Assert.StartsWith("submitted job failed", error.Message, StringComparison.Ordinal);
        Assert.Contains($"image '{image}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void B16_two_timeouts_in_a_row()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend, waitOnExit: false);
        var future = bpe.Submit(SleepForever);
        Assert.Throws<TimeoutException>(() => future.Result(Short));
        Assert.Throws<TimeoutException>(() => future.Result(Short));
        future.Cancel();
    }

    [Fact]
    public void B17_an_async_function_with_an_argument()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var future = bpe.Submit(async (int seconds) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            return seconds;
        }, 1);
        Assert.Equal(1, future.Result());
    }

    [Fact]
    public void B18_an_async_function_returns_its_value()
    {
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var future = bpe.Submit(async () =>
        {
            await Task.Yield();
            return 6;
        });
        Assert.Equal(6, future.Result());
    }

    private static int SleepForever()
    {
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    private static int SleepForeverWith(int x) => SleepForever() + x;

    private static int Die(int x) => throw new InvalidOperationException("dead");
}

/// <summary>Payloads over the local workers' pipes (the local backend's default).</summary>
public sealed class ConformanceTestsOverPipes() : ConformanceTests(() => new TestBackend(payloadsThroughStorage: false));

/// <summary>Payloads through storage, as on remote backends.</summary>
public sealed class ConformanceTestsThroughStorage() : ConformanceTests(() => new TestBackend(payloadsThroughStorage: true));
