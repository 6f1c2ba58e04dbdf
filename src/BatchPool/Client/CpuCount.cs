using System.Globalization;

namespace BatchPool;

/// <summary>
/// A number of CPU cores for each job: an <see cref="int"/> (<c>2</c>), a <see cref="double"/> (<c>0.5</c>) or a string in
/// the notation of Kubernetes and Hail (<c>"250m"</c> is a quarter of a core, <c>"2"</c> two cores).
/// </summary>
public readonly struct CpuCount : IEquatable<CpuCount>
{
    // Conversions never throw (a setting passed as an argument is refused by the executor, which can name it); Parse does.
    private CpuCount(double cores, string text)
    {
        Cores = cores;
        Text = text;
    }

    /// <summary>The number of cores, possibly fractional.</summary>
    public double Cores { get; }

    /// <summary>The count as it was given (or its canonical form), to pass unaltered to engines that take strings.</summary>
    public string Text { get; }

    /// <summary>
    /// How many threads a job may use: <c>max(1, floor(Cores))</c>. Sets <c>OMP_NUM_THREADS</c>,
    /// <c>DOTNET_PROCESSOR_COUNT</c> and the other thread limits in each job.
    /// </summary>
    public int ThreadLimit => Math.Max(1, (int)Math.Floor(Cores));

    /// <summary>A whole number of cores.</summary>
    /// <param name="cores">The cores.</param>
    public static implicit operator CpuCount(int cores) => new(cores, cores.ToString(CultureInfo.InvariantCulture));

    /// <summary>A possibly fractional number of cores.</summary>
    /// <param name="cores">The cores.</param>
    public static implicit operator CpuCount(double cores) => new(cores, cores.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Cores in Kubernetes notation; see <see cref="Parse"/>.</summary>
    /// <param name="cores">The text.</param>
    public static implicit operator CpuCount(string cores) => TryRead(cores, out var count) ? count : new(double.NaN, cores);

    /// <summary>Reads <c>"2"</c>, <c>"0.5"</c> or <c>"250m"</c> (thousandths of a core).</summary>
    /// <param name="text">The text.</param>
    /// <exception cref="FormatException">The text is none of these.</exception>
    public static CpuCount Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryRead(text, out var count))
        {
            throw new FormatException($"'{text}' is not a CPU count: write cores as 2, 0.5 or 250m.");
        }
        return count.IsValid ? count : throw new ArgumentOutOfRangeException(nameof(text), text, Accepted);
    }

    /// <summary>What a count may be.</summary>
    internal const string Accepted = "a positive, finite number of cores, such as 2, 0.5 or 250m.";

    /// <summary>Whether the count is a positive, finite number of cores; the executor refuses others.</summary>
    internal bool IsValid => Cores > 0 && !double.IsInfinity(Cores);

    private static bool TryRead(string? text, out CpuCount count)
    {
        var trimmed = text?.Trim() ?? "";
        var milli = trimmed.EndsWith('m');
        var number = milli ? trimmed[..^1] : trimmed;
        var parsed = double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value);
        count = new CpuCount(milli ? value / 1000 : value, trimmed);
        return parsed;
    }

    /// <summary>Creates a count from a whole number of cores.</summary>
    /// <param name="cores">The cores.</param>
    public static CpuCount FromInt32(int cores) => cores;

    /// <summary>Creates a count from a possibly fractional number of cores.</summary>
    /// <param name="cores">The cores.</param>
    public static CpuCount FromDouble(double cores) => cores;

    /// <summary>Creates a count from Kubernetes notation.</summary>
    /// <param name="cores">The text.</param>
    public static CpuCount FromString(string cores) => Parse(cores);

    /// <inheritdoc />
    public bool Equals(CpuCount other) => Cores.Equals(other.Cores);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CpuCount other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Cores.GetHashCode();

    /// <summary>Compares two counts by their cores.</summary>
    /// <param name="left">One count.</param>
    /// <param name="right">The other.</param>
    public static bool operator ==(CpuCount left, CpuCount right) => left.Equals(right);

    /// <summary>Compares two counts by their cores.</summary>
    /// <param name="left">One count.</param>
    /// <param name="right">The other.</param>
    public static bool operator !=(CpuCount left, CpuCount right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Text ?? "0";
}
