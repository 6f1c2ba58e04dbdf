namespace BatchPool.Tests.Diagnostics;

/// <summary>
/// The activity source, the meter and the console are the process's: tests that listen to them run alone, so that
/// no other test's jobs are counted.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DiagnosticsCollection
{
    public const string Name = "Diagnostics";
}
