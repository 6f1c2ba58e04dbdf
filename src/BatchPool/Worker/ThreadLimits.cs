using System.Globalization;

namespace BatchPool.Worker;

/// <summary>
/// The environment that limits a job's threads to its cores, as the original sets for BLAS and LAPACK, plus
/// <c>DOTNET_PROCESSOR_COUNT</c> so the .NET thread pool and <c>Environment.ProcessorCount</c> agree.
/// </summary>
internal static class ThreadLimits
{
    public static readonly IReadOnlyList<string> Variables =
    [
        "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS",
        "DOTNET_PROCESSOR_COUNT",
    ];

    /// <summary>The variables for jobs of <paramref name="cpusPerJob"/> cores; unset means one thread, as in the original.</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentFor(CpuCount? cpusPerJob)
    {
        var limit = (cpusPerJob?.ThreadLimit ?? 1).ToString(CultureInfo.InvariantCulture);
        return Variables.ToDictionary(name => name, _ => limit, StringComparer.Ordinal);
    }
}
