namespace BatchPool.Faults; internal static class FaultSuite { public static Task<int> RunAsync(string[] backends) => Task.FromResult(0); }
