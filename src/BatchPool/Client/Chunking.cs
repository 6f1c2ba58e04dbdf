namespace BatchPool.Client;

/// <summary>Splits a map's calls as the original does: <c>ceil(n / chunksize)</c> parts whose sizes differ by at most one.</summary>
internal static class Chunking
{
    public static IReadOnlyList<object?[][]> Split(IReadOnlyList<object?[]> calls, int chunksize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunksize, 1);
        if (calls.Count == 0)
        {
            return [];
        }
        var parts = (calls.Count + chunksize - 1) / chunksize;
        var (smallSize, larger) = Math.DivRem(calls.Count, parts);
        var chunks = new object?[parts][][];
        var next = 0;
        for (var i = 0; i < parts; i++)
        {
            var size = smallSize + (i < larger ? 1 : 0);
            chunks[i] = new object?[size][];
            for (var j = 0; j < size; j++)
            {
                chunks[i][j] = calls[next++];
            }
        }
        return chunks;
    }
}
