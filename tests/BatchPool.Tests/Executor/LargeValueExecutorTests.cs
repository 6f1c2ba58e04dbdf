namespace BatchPool.Tests.Executor;

/// <summary>
/// Large captured values and arguments are stored once per executor, not once per job, and each call still gets a copy
/// of its own; on every backend.
/// </summary>
public abstract class LargeValueExecutorTests(Func<TestBackend> createBackend) : IAsyncLifetime
{
    private readonly TestBackend _backend = createBackend();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private static double[] Numbers(int count) => [.. Enumerable.Range(0, count).Select(i => (double)i)];

    private static long FolderBytes(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;

    [Fact]
    public void A_map_over_a_large_capture_stores_it_once()
    {
        var numbers = Numbers(1_000_000);   // 8 MB
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var results = bpe.Map(k => numbers[k] * 2 + numbers.Length, Enumerable.Range(0, 20)).ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(k => (k * 2.0) + 1_000_000), results);

        var folder = _backend.FolderOf(bpe);
        var stored = Directory.GetFiles(Path.Combine(folder, "values"));
        Assert.Equal(8_000_000, new FileInfo(Assert.Single(stored)).Length);
        Assert.True(FolderBytes(Path.Combine(folder, "inputs")) < 20 * 64 * 1024, $"inputs hold {FolderBytes(Path.Combine(folder, "inputs"))} bytes");
    }

    [Fact]
    public void Large_arguments_are_stored_once_too()
    {
        var numbers = Numbers(500_000);   // 4 MB
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var results = bpe.Map((double[] values, int k) => values[k] + values.Length, Enumerable.Repeat(numbers, 10), Enumerable.Range(0, 10)).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(k => k + 500_000.0), results);
        Assert.Single(Directory.GetFiles(Path.Combine(_backend.FolderOf(bpe), "values")));
        // A second call with the same array finds it stored.
        Assert.Equal(500_000.0 + 3, bpe.Submit((double[] values) => values[3] + values.Length, numbers).Result());
        Assert.Single(Directory.GetFiles(Path.Combine(_backend.FolderOf(bpe), "values")));
    }

    [Fact]
    public void A_large_result_is_stored_apart_and_read_back_into_its_array()
    {
        var numbers = Numbers(400_000);   // 3.2 MB
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        var folder = _backend.FolderOf(bpe);

        // Returned as it came: the worker finds the value stored already, and stores nothing more.
        var back = bpe.Submit((double[] values) => values, numbers).Result(TimeSpan.FromMinutes(2));
        Assert.Equal(numbers, back);
        Assert.NotSame(numbers, back);
        Assert.Single(Directory.GetFiles(Path.Combine(folder, "values")));

        // A new array: the worker stores it, content-addressed, and its output names it by its hash.
        var doubled = bpe.Submit((double[] values) => values.Select(v => v * 2).ToArray(), numbers).Result(TimeSpan.FromMinutes(2));
        Assert.Equal(numbers.Select(v => v * 2), doubled);
        var stored = Directory.GetFiles(Path.Combine(folder, "values"));
        Assert.Equal(2, stored.Length);
        Assert.All(stored, file => Assert.Equal(3_200_000, new FileInfo(file).Length));
        Assert.True(FolderBytes(Path.Combine(folder, "outputs")) < 64 * 1024, $"outputs hold {FolderBytes(Path.Combine(folder, "outputs"))} bytes");

        // Several large results of a map, each its own array.
        var parts = bpe.Map((int k) => Enumerable.Range(0, 200_000).Select(i => (long)(i + k)).ToArray(), Enumerable.Range(0, 3)).ToList();
        Assert.All(Enumerable.Range(0, 3), k => Assert.Equal(Enumerable.Range(0, 200_000).Select(i => (long)(i + k)), parts[k]));
    }

    [Fact]
    public void Each_call_gets_a_copy_of_its_own()
    {
        var numbers = Numbers(300_000);
        using var bpe = new BatchPoolExecutor(backend: _backend.Backend);
        // Every call changes its copy: none sees another's change, whichever worker ran it before.
        var firsts = bpe.Map(_ => ++numbers[0], Enumerable.Range(0, 12)).ToList();
        Assert.All(firsts, first => Assert.Equal(1.0, first));
        Assert.Equal(0.0, numbers[0]);
    }
}

public sealed class LargeValuesOverPipes() : LargeValueExecutorTests(() => new TestBackend(payloadsThroughStorage: false));

public sealed class LargeValuesThroughStorage() : LargeValueExecutorTests(() => new TestBackend(payloadsThroughStorage: true));

[Collection(Docker.DockerCollection.Name)]
public sealed class LargeValuesOnDocker() : LargeValueExecutorTests(() => Docker.DockerTestBackends.Create());

[Collection("Slurm")]
public sealed class LargeValuesOnSlurm() : LargeValueExecutorTests(() => Slurm.SlurmCluster.NewBackend());
