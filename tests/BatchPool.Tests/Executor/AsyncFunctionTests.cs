using BatchPool.Tests.UserCode;

namespace BatchPool.Tests.Executor;

/// <summary>
/// Functions returning Task, Task&lt;T&gt;, ValueTask and ValueTask&lt;T&gt; through every Submit, SubmitAsync, Map and
/// MapAsync form, as lambdas, method groups and static local functions: the worker awaits them and the futures hold
/// what they complete with. The variables' declared types check at compile time which form C# picked.
/// </summary>
public sealed class AsyncFunctionTests : IAsyncLifetime
{
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
        await _bpe.DisposeAsync();
        await _backend.DisposeAsync();
        _gates.Dispose();
    }

    [Fact]
    public void Submit_awaits_async_lambdas_of_every_arity()
    {
        BatchPoolFuture<int> none = _bpe.Submit(async () => { await Task.Delay(1); return 9; });
        BatchPoolFuture<int> one = _bpe.Submit(async (int x) => { await Task.Delay(1); return x * 2; }, 21);
        BatchPoolFuture<string> two = _bpe.Submit(async (string a, int b) => { await Task.Yield(); return a + b; }, "a", 2);
        BatchPoolFuture<double> three = _bpe.Submit(async (int a, int b, double c) => { await Task.Delay(1); return a + b + c; }, 1, 2, 0.5);
        BatchPoolFuture<long> four = _bpe.Submit(async (int a, int b, int c, long d) => { await Task.Delay(1); return a * b * c * d; }, 1, 2, 3, 4L);
        Assert.Equal(9, none.Result());
        Assert.Equal(42, one.Result());
        Assert.Equal("a2", two.Result());
        Assert.Equal(3.5, three.Result());
        Assert.Equal(24L, four.Result());
    }

    [Fact]
    public void Submit_takes_method_groups_and_static_local_functions_of_each_task_type()
    {
        static async ValueTask<string> Shout(string word)
        {
            await Task.Delay(1);
            return word.ToUpperInvariant();
        }

        var marker = _gates.PathOf("touched");
        BatchPoolFuture<int> task = _bpe.Submit(TwiceAsync, 4);
        BatchPoolFuture<int> valueTask = _bpe.Submit(TwiceValueAsync, 5);
        BatchPoolFuture<string> local = _bpe.Submit(Shout, "hey");
        BatchPoolFuture<int> notAsync = _bpe.Submit(x => Task.FromResult(x + 1), 6);
        BatchPoolFuture plainTask = _bpe.Submit(TouchAsync, marker + ".task");
        BatchPoolFuture plainValueTask = _bpe.Submit(TouchValueAsync, marker + ".valuetask");
        Assert.Equal(8, task.Result());
        Assert.Equal(10, valueTask.Result());
        Assert.Equal("HEY", local.Result());
        Assert.Equal(7, notAsync.Result());
        Assert.Null(plainTask.Exception());
        Assert.Null(plainValueTask.Exception());
        Assert.Equal("async", File.ReadAllText(marker + ".task"));
        Assert.Equal("async", File.ReadAllText(marker + ".valuetask"));
    }

    [Fact]
    public void Submit_takes_lambdas_that_name_a_ValueTask_return_type()
    {
        BatchPoolFuture<int> value = _bpe.Submit(async ValueTask<int> () => { await Task.Delay(1); return 3; });
        BatchPoolFuture none = _bpe.Submit(async ValueTask (int x) => await Task.Delay(x), 1);
        Assert.Equal(3, value.Result());
        Assert.Null(none.Exception());
    }

    [Fact]
    public async Task SubmitAsync_awaits_async_functions_too()
    {
        BatchPoolFuture<int> task = await _bpe.SubmitAsync(async (int x) => { await Task.Delay(1); return x + 1; }, 1);
        BatchPoolFuture<int> valueTask = await _bpe.SubmitAsync(TwiceValueAsync, 8);
        BatchPoolFuture none = await _bpe.SubmitAsync(async (int a, int b) => await Task.Delay(a + b), 1, 1);
        BatchPoolFuture noneValueTask = await _bpe.SubmitAsync(TouchValueAsync, _gates.PathOf("submitted"));
        Assert.Equal(2, await task);
        Assert.Equal(16, await valueTask);
        await none;
        await noneValueTask;
        Assert.True(File.Exists(_gates.PathOf("submitted")));
    }

    [Fact]
    public void Map_awaits_async_lambdas_over_one_two_and_three_sequences()
    {
        IEnumerable<int> one = _bpe.Map(async x => { await Task.Delay(1); return x * 2; }, [1, 2, 3]);
        IEnumerable<string> two = _bpe.Map(async (string a, string b) => { await Task.Yield(); return a + b; }, ["white", "cat"], ["house", "dog"]);
        IEnumerable<int> three = _bpe.Map(async (int a, int b, int c) => { await Task.Delay(1); return a + b + c; }, [1, 2], [10, 20], [100, 200], chunksize: 2);
        Assert.Equal([2, 4, 6], one);
        Assert.Equal(["whitehouse", "catdog"], two);
        Assert.Equal([111, 222], three);
    }

    [Fact]
    public void Map_takes_method_groups_of_each_task_type_in_chunks()
    {
        static async Task<long> Cube(int x)
        {
            await Task.Yield();
            return (long)x * x * x;
        }

        Assert.Equal([0, 2, 4, 6, 8], _bpe.Map(TwiceAsync, Enumerable.Range(0, 5), chunksize: 2));
        Assert.Equal([0, 2, 4, 6, 8], _bpe.Map(TwiceValueAsync, Enumerable.Range(0, 5), chunksize: 3));
        Assert.Equal([1L, 8L, 27L], _bpe.Map(Cube, [1, 2, 3]));
        Assert.Equal([3, 7], _bpe.Map(AddValueAsync, [1, 3], [2, 4]));
    }

    [Fact]
    public void Map_of_functions_without_a_value_yields_null_once_each_call_completed()
    {
        var paths = Enumerable.Range(0, 4).Select(i => _gates.PathOf($"map-{i}")).ToArray();
        IEnumerable<object?> tasks = _bpe.Map(TouchAsync, paths[..2]);
        IEnumerable<object?> valueTasks = _bpe.Map(TouchValueAsync, paths[2..], chunksize: 2);
        IEnumerable<object?> zipped = _bpe.Map(async (string path, int n) => await File.WriteAllTextAsync(path, $"{n}"), [_gates.PathOf("zipped")], [7]);
        Assert.Equal([null, null], tasks.ToList());
        Assert.Equal([null, null], valueTasks.ToList());
        Assert.Equal([null], zipped.ToList());
        Assert.All(paths, path => Assert.Equal("async", File.ReadAllText(path)));
        Assert.Equal("7", File.ReadAllText(_gates.PathOf("zipped")));
    }

    [Fact]
    public async Task MapAsync_awaits_async_functions_of_each_task_type()
    {
        Assert.Equal([2, 4], await _bpe.MapAsync(async x => { await Task.Delay(1); return x * 2; }, [1, 2]).ToListAsync());
        Assert.Equal([6, 8], await _bpe.MapAsync(TwiceValueAsync, [3, 4], chunksize: 2).ToListAsync());
        Assert.Equal(["ab"], await _bpe.MapAsync(async (string a, string b) => { await Task.Yield(); return a + b; }, ["a"], ["b"]).ToListAsync());
        Assert.Equal([6], await _bpe.MapAsync(async ValueTask<int> (int a, int b, int c) => { await Task.Yield(); return a + b + c; }, [1], [2], [3]).ToListAsync());
        Assert.Equal([null], await _bpe.MapAsync(TouchAsync, [_gates.PathOf("mapasync")]).ToListAsync());
        Assert.True(File.Exists(_gates.PathOf("mapasync")));
    }

    [Fact]
    public void Exceptions_thrown_after_an_await_come_back_with_their_type_and_remote_stack()
    {
        var warehouse = new Warehouse("north", 1);
        var error = Assert.Throws<InventoryException>(() => _bpe.Submit(ReserveLaterAsync, warehouse, 4).Result());
        Assert.Equal("north is short of 3", error.Message);
        Assert.Equal(3, error.MissingItems);
        Assert.Contains(nameof(ReserveLaterAsync), error.StackTrace, StringComparison.Ordinal);
        Assert.Contains("End of stack trace from previous location", error.StackTrace, StringComparison.Ordinal);

        var valueTask = Assert.Throws<FormatException>(() => _bpe.Submit(FailLaterValueAsync, "x").Result());
        Assert.Equal("not a number: x", valueTask.Message);
        Assert.Contains(nameof(FailLaterValueAsync), valueTask.StackTrace, StringComparison.Ordinal);

        var inMap = _bpe.Map(async x => { await Task.Delay(1); return x == 2 ? throw new ArgumentOutOfRangeException(nameof(x), x, "two") : x; }, [1, 2, 3]);
        var mapped = new List<int>();
        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => { foreach (var x in inMap) { mapped.Add(x); } });
        Assert.Equal([1], mapped);
        Assert.Equal(2, thrown.ActualValue);

        var withoutValue = _bpe.Submit(async () => { await Task.Yield(); throw new InvalidOperationException("no value, still an error"); });
        Assert.IsType<InvalidOperationException>(withoutValue.Exception());
    }

    [Fact]
    public void A_task_type_given_as_the_result_type_is_refused_at_submit()
    {
        Func<Task<int>> fn = async () => { await Task.Yield(); return 1; };
        var error = Assert.Throws<ArgumentException>(() => _bpe.Submit<Task<int>>(fn));
        Assert.Equal("fn", error.ParamName);
        Assert.Contains("awaits", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => _bpe.Map<int, ValueTask<int>>(TwiceValueAsync, [1]));
    }

    [Fact]
    public void Synchronous_functions_still_bind_the_forms_of_plain_values()
    {
        BatchPoolFuture<int> sync = _bpe.Submit(() => 3 + 6);
        BatchPoolFuture action = _bpe.Submit(() => { _ = 1; });
        IEnumerable<int> mapped = _bpe.Map(Math.Abs, [-1, 2]);
        Assert.Equal(9, sync.Result());
        Assert.Null(action.Exception());
        Assert.Equal([1, 2], mapped);
    }

    [Fact]
    public void An_async_function_may_await_longer_than_a_turn_of_the_worker()
    {
        var gate = _gates.PathOf("async-gate");
        var future = _bpe.Submit(Gates.PassAsync, gate, 5);
        Assert.Throws<TimeoutException>(() => future.Result(TimeSpan.FromMilliseconds(300)));
        Assert.False(future.Done);
        _gates.Open("async-gate");
        Assert.Equal(5, future.Result());
    }

    private static async Task<int> TwiceAsync(int x)
    {
        await Task.Yield();
        return x * 2;
    }

    private static async ValueTask<int> TwiceValueAsync(int x)
    {
        await Task.Delay(1);
        return x * 2;
    }

    private static async ValueTask<int> AddValueAsync(int a, int b)
    {
        await Task.Yield();
        return a + b;
    }

    private static async Task TouchAsync(string path) => await File.WriteAllTextAsync(path, "async");

    private static async ValueTask TouchValueAsync(string path) => await File.WriteAllTextAsync(path, "async");

    private static async Task<int> ReserveLaterAsync(Warehouse warehouse, int count)
    {
        await Task.Delay(1);
        return warehouse.Reserve()(count);
    }

    private static async ValueTask<int> FailLaterValueAsync(string text)
    {
        await Task.Delay(1);
        return int.TryParse(text, out var n) ? n : throw new FormatException($"not a number: {text}");
    }
}
