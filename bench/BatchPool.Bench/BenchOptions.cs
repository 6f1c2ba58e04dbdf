using System.Globalization;

namespace BatchPool.Bench;

/// <summary>The command line: which workloads, how many repetitions, whether to run the Python peers.</summary>
internal sealed record BenchOptions
{
    public static readonly IReadOnlyList<int> AllWorkloads = [1, 2, 3, 4, 5, 6, 7, 8];

    public bool Quick { get; init; }

    public IReadOnlySet<int> Only { get; init; } = AllWorkloads.ToHashSet();

    public bool NoPeers { get; init; }

    /// <summary>Also time the parts of workload 1's path alone (codec, file storage, folder deletion).</summary>
    public bool Diagnose { get; init; }

    public bool Help { get; init; }

    /// <summary>Attach a span listener, a metrics listener and a progress handler (BenchListeners) to every workload.</summary>
    public bool Listen { get; init; }
    /// <summary>With <c>--workload 5</c>: run the one job and exit without an answer (the parent times spawn to exit).</summary>
    public bool WholeProgram { get; init; }

    /// <summary>Set when the bench runs itself as a child process for one workload (5 or 6).</summary>
    public int? ChildWorkload { get; init; }

    public string Python { get; init; } = "/usr/bin/python3";

    /// <summary>Set to a folder shared with the compute nodes to run the Slurm benchmark (issue 5) instead of workloads 1-6.</summary>
    public string? SlurmFolder { get; init; }

    public string? PeersScript { get; init; }

    /// <summary>Set to bucket addresses to run the storage benchmark (issue 22) instead of workloads 1-7.</summary>
    public IReadOnlyList<string>? StorageAddresses { get; init; }

    /// <summary>Set when the bench runs itself as a child process for one 80 MB round trip through this storage.</summary>
    public string? StorageRoundTrip { get; init; }

    /// <summary>Repetitions of the costly workloads (1, 2, 4's end to end, 6); the median is reported.</summary>
    public int Runs => Quick ? 1 : 3;

    /// <summary>Repetitions of workload 7 (each takes about two minutes): one, as the issue asks.</summary>
    public int DockerRuns => 1;

    /// <summary>Repetitions of the cheap process starts of workload 5.</summary>
    public int StartRuns => Quick ? 3 : 7;

    /// <summary>Stop repeating a workload once its runs took this long; one run always happens.</summary>
    public TimeSpan RepeatBudget => TimeSpan.FromSeconds(Quick ? 20 : 90);

    public bool Includes(int workload) => Only.Contains(workload);

    public static string Usage =>
        """
        BatchPool benchmark (issue 4). Run from the repository root:
          dotnet run -c Release --project bench/BatchPool.Bench -- [options]
        Options:
          --quick               fewer repetitions
          --only 1,3            run only these workloads (1-8; 7 needs a Docker engine and the worker image)
          --no-peers            skip the Python peers
          --listen              with telemetry on: a listener of every span and measurement of BatchPool, and a
                                progress handler on every executor (compare with a run without it)
          --diagnose            also time the parts of workload 1's path alone (codec, storage, cleanup)
          --python PATH         the interpreter for the peers (default /usr/bin/python3)
          --peers-script PATH   peers.py (default: ../shared/bench/peers.py beside the repository)
          --slurm FOLDER        instead: the Slurm benchmark (a Map and a round trip against sbatch alone), with
                                FOLDER shared by this machine and the compute nodes
          --storage A,B         instead: the storage benchmark (issue 22): the 80 MB round trip through a folder and
                                each bucket address (time, client memory), and a Docker map of 200 jobs with the
                                first address against the bind-mounted folder; credentials from the environment
          --help
        """;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--quick" => options with { Quick = true },
                "--no-peers" => options with { NoPeers = true },
                "--diagnose" => options with { Diagnose = true },
                "--listen" => options with { Listen = true },
                "--help" or "-h" => options with { Help = true },
                "--whole-program" => options with { WholeProgram = true },
                "--only" => options with { Only = ParseWorkloads(ValueOf(args, ref i)) },
                "--workload" => options with { ChildWorkload = ParseWorkload(ValueOf(args, ref i)) },
                "--python" => options with { Python = ValueOf(args, ref i) },
                "--peers-script" => options with { PeersScript = ValueOf(args, ref i) },
                "--slurm" => options with { SlurmFolder = ValueOf(args, ref i) },
                "--storage" => options with { StorageAddresses = ValueOf(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--storage-roundtrip" => options with { StorageRoundTrip = ValueOf(args, ref i) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }
        return options;
    }

    private static string ValueOf(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"Option '{args[i - 1]}' needs a value.");

    private static HashSet<int> ParseWorkloads(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseWorkload).ToHashSet();

    private static int ParseWorkload(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && AllWorkloads.Contains(n)
            ? n
            : throw new ArgumentException($"'{text}' is not a workload (1-8).");
}
