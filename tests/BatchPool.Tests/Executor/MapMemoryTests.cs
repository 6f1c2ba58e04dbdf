using System.Runtime.CompilerServices;

namespace BatchPool.Tests.Executor;

/// <summary>What a map keeps while its results are read: the jobs it has not reached, not the results it has yielded.</summary>
public sealed class MapMemoryTests
{
    [Fact]
    public async Task A_map_lets_go_of_the_results_it_has_yielded()
    {
        await using var backend = new TestBackend();
        await using var bpe = new BatchPoolExecutor(backend: backend.Backend);
        using var results = bpe.Map((int x) => new byte[100_000 + x], Enumerable.Range(0, 6), chunksize: 2).GetEnumerator();

        var yielded = ReadAndForget(results, 6);

        Assert.False(results.MoveNext());
        // The enumerator is still alive and holds the map's jobs; the results of the jobs it has left behind must not be
        // (the last job's, 4 and 5, are still its current outcomes).
        var leftBehind = yielded[..4];
        for (var attempt = 0; attempt < 50 && leftBehind.Any(r => r.IsAlive); attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(20);
        }
        Assert.All(leftBehind, r => Assert.False(r.IsAlive));
        GC.KeepAlive(results);
    }

    // Not inlined: the results must not stay in a local of the test's own frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> ReadAndForget(IEnumerator<byte[]> results, int count)
    {
        var yielded = new List<WeakReference>();
        for (var i = 0; i < count; i++)
        {
            Assert.True(results.MoveNext());
            Assert.Equal(100_000 + i, results.Current.Length);
            yielded.Add(new WeakReference(results.Current));
        }
        return yielded;
    }
}
