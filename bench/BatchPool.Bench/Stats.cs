using System.Diagnostics;

namespace BatchPool.Bench;

/// <summary>Medians and repetitions.</summary>
internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("No values.", nameof(values));
        }
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The element whose key is the median (the lower middle one for an even count), so its other figures go with it.</summary>
    public static T MedianBy<T>(IReadOnlyCollection<T> items, Func<T, double> key) =>
        items.OrderBy(key).ElementAt((items.Count - 1) / 2);

    public static double Percentile(IEnumerable<double> values, double fraction)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Runs <paramref name="once"/> up to <paramref name="runs"/> times, stopping early when the budget is spent (after one run at least).</summary>
    public static List<T> Repeat<T>(int runs, TimeSpan budget, Func<T> once)
    {
        var results = new List<T>(runs);
        var clock = Stopwatch.StartNew();
        do
        {
            results.Add(once());
        }
        while (results.Count < runs && clock.Elapsed < budget);
        return results;
    }
}
