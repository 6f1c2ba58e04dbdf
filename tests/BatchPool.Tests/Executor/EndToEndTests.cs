using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.Loader;
using BatchPool.Tests.UserCode;

namespace BatchPool.Tests.Executor;

public sealed record Point(double X, double Y);

public record struct Span2(int From, int To);

/// <summary>Closures, values and exceptions through Submit and Map against real worker processes.</summary>
public abstract class EndToEndTests(Func<TestBackend> createBackend) : IAsyncLifetime
{
    private readonly TestBackend _backend = createBackend();
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
    }

    [Fact]
    public void Captured_locals_travel_with_the_lambda()
    {
        var scale = 3;
        var offset = 100;
        var names = new List<string> { "a", "b" };
        Assert.Equal(106, _bpe.Submit(() => (scale * 2) + offset).Result());
        Assert.Equal("a,b,c", _bpe.Submit(() => string.Join(',', names.Append("c"))).Result());
    }

    [Fact]
    public void A_user_class_without_a_parameterless_constructor_and_its_private_state()
    {
        var warehouse = new Warehouse("north", 10);
        Assert.Equal(7, _bpe.Submit(warehouse.Reserve(), 3).Result());
        Assert.Equal(4, _bpe.Submit(warehouse.Remaining, 6).Result());
    }

    [Fact]
    public void Method_groups_static_and_generic()
    {
        Assert.Equal(8, _bpe.Submit(Math.Max, 3, 8).Result());
        Assert.Equal([1, 2, 3], _bpe.Submit(Sorted<int>, new[] { 3, 1, 2 }).Result());
        Assert.Equal(["x", "y"], _bpe.Submit(Sorted<string>, new[] { "y", "x" }).Result());
    }

    [Fact]
    public void Closures_inside_generic_methods_and_nested_closures()
    {
        Assert.Equal(["k:1", "k:2"], _bpe.Submit(Labeller<int>("k"), new[] { 1, 2 }).Result());
        var outer = 2;
        Func<int, int> inner = x => x * outer;
        Assert.Equal(10, _bpe.Submit(() => inner(5)).Result());
    }

    [Fact]
    public void Values_of_many_kinds_go_and_come_back()
    {
        var point = new Point(1.5, -2);
        var span = new Span2(3, 9);
        var table = new Dictionary<string, double[]> { ["a"] = [1, 2], ["b"] = [] };
        var set = new HashSet<Guid> { Guid.NewGuid() };
        var when = new DateTime(2026, 11, 27, 1, 2, 3, DateTimeKind.Utc);
        var big = BigInteger.Pow(3, 100);
        var grid = new int[2, 2] { { 1, 2 }, { 3, 4 } };
        var result = _bpe.Submit(() => (point with { X = 4 }, span, table["a"].Sum(), set.Count, when.AddDays(1), big + 1, grid[1, 0], 12.5m, DayOfWeek.Friday)).Result();
        Assert.Equal((new Point(4, -2), span, 3.0, 1, when.AddDays(1), big + 1, 3, 12.5m, DayOfWeek.Friday), result);
        Assert.Equal(DateTimeKind.Utc, result.Item5.Kind);
    }

    [Fact]
    public void Shared_references_arrive_once()
    {
        var shared = new List<int> { 1 };
        var pair = (shared, shared);
        Assert.True(_bpe.Submit(() => ReferenceEquals(pair.Item1, pair.Item2)).Result());
    }

    [Fact]
    public void Large_arrays_travel_both_ways()
    {
        var data = Enumerable.Range(0, 2_000_000).Select(i => (double)i).ToArray();
        var doubled = _bpe.Submit(() => data.Select(x => x * 2).ToArray()).Result();
        Assert.Equal(data.Length, doubled.Length);
        Assert.Equal(3_999_998.0, doubled[^1]);
    }

    [Fact]
    public void A_user_exception_keeps_its_type_properties_inner_exception_and_remote_stack()
    {
        var warehouse = new Warehouse("south", 2);
        var error = Assert.Throws<InventoryException>(() => _bpe.Submit(warehouse.Reserve(), 5).Result());
        Assert.Equal("south is short of 3", error.Message);
        Assert.Equal(3, error.MissingItems);
        Assert.Contains("Warehouse", error.StackTrace, StringComparison.Ordinal);
        Assert.Contains("End of stack trace from previous location", error.StackTrace, StringComparison.Ordinal);

        var wrapped = Assert.Throws<InventoryException>(() => _bpe.Submit(() => Wrap(new KeyNotFoundException("no key"))).Result());
        Assert.IsType<KeyNotFoundException>(wrapped.InnerException);

        var aggregate = Assert.Throws<AggregateException>(() => _bpe.Submit(() => Throw(new AggregateException(new ArgumentException("one"), new FormatException("two")))).Result());
        Assert.Collection(aggregate.InnerExceptions, e => Assert.IsType<ArgumentException>(e), e => Assert.IsType<FormatException>(e));
    }

    [Fact]
    public async Task Futures_can_be_awaited_and_called_back()
    {
        Assert.Equal(42, await _bpe.Submit(() => 42));
        var called = new TaskCompletionSource<int>();
        var future = await _bpe.SubmitAsync(() => 5);
        future.AddDoneCallback(f => called.SetResult(f.Result()));
        Assert.Equal(5, await called.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(5, await future.ResultAsync());
    }

    [Fact]
    public async Task Actions_and_async_actions_return_futures_without_values()
    {
        // In the executor's folder: the one folder of this machine that jobs on every backend see.
        var marker = Path.Combine(_backend.FolderOf(_bpe), "touched");
        var action = _bpe.Submit(() => File.WriteAllText(marker, "yes"));
        action.Wait();
        Assert.Equal("yes", File.ReadAllText(marker));
        await _bpe.Submit(async () => await File.WriteAllTextAsync(marker, "async"));
        Assert.Equal("async", File.ReadAllText(marker));
        Assert.Null(_bpe.Submit((int x) => { _ = x; }, 1).Exception());
    }

    [Fact]
    public async Task MapAsync_yields_in_order_and_zips_three_sequences()
    {
        var results = new List<string>();
        await foreach (var r in _bpe.MapAsync((int a, string b, char c) => $"{a}{b}{c}", [1, 2, 3], ["x", "y", "z"], ['!', '?', '.'], chunksize: 2))
        {
            results.Add(r);
        }
        Assert.Equal(["1x!", "2y?", "3z."], results);
    }

    [Fact]
    public void Map_rejects_sequences_of_different_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => _bpe.Map((int a, int b) => a + b, [1, 2], [1]));
        Assert.Contains("same length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_preserves_order_across_many_balanced_chunks()
    {
        Assert.Equal(Enumerable.Range(0, 103).Select(x => x + 1), _bpe.Map(x => x + 1, Enumerable.Range(0, 103), chunksize: 10));
    }

    [Fact]
    public void Shipped_code_runs_from_storage_in_the_worker_own_load_context()
    {
        var (context, location, pid) = _bpe.Submit(() =>
        {
            var assembly = typeof(Warehouse).Assembly;
            return (AssemblyLoadContext.GetLoadContext(assembly)?.Name, assembly.Location, Environment.ProcessId);
        }).Result();
        Assert.Equal("BatchPool shipped code", context);
        Assert.Equal("", location);
        Assert.NotEqual(Environment.ProcessId, pid);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_backend.FolderOf(_bpe), "assemblies"), "*.dll"));
    }

    [Fact]
    public void Many_submits_from_many_threads()
    {
        var futures = new ConcurrentBag<(int, BatchPoolFuture<int>)>();
        Parallel.For(0, 40, i => futures.Add((i, _bpe.Submit(x => x * x, i))));
        Assert.All(futures, f => Assert.Equal(f.Item1 * f.Item1, f.Item2.Result()));
    }

    private static T[] Sorted<T>(T[] items) => [.. items.Order()];

    private static Func<T[], string[]> Labeller<T>(string prefix) => items => items.Select(i => $"{prefix}:{i}").ToArray();

    private static int Wrap(Exception inner) => throw new InventoryException("wrapped", 1, inner);

    private static int Throw(Exception e) => throw e;
}

/// <summary>Payloads over the local workers' pipes (the local backend's default).</summary>
public sealed class EndToEndTestsOverPipes() : EndToEndTests(() => new TestBackend(payloadsThroughStorage: false));

/// <summary>Payloads through storage, as on remote backends.</summary>
public sealed class EndToEndTestsThroughStorage() : EndToEndTests(() => new TestBackend(payloadsThroughStorage: true));
