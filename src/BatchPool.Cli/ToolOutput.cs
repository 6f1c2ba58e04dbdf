using System.Text.Json;
using System.Text.Json.Serialization;

namespace BatchPool.Cli;

/// <summary>Where a command writes: text for people, or JSON for scripts (<c>--json</c>).</summary>
internal sealed class ToolOutput(TextWriter output, TextWriter errors, bool json)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public bool Json { get; } = json;

    public TextWriter Out { get; } = output;

    public TextWriter Errors { get; } = errors;

    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>A line for people; nothing in JSON mode (its output is the document alone).</summary>
    public void Say(string line)
    {
        if (!Json)
        {
            Out.WriteLine(line);
        }
    }

    /// <summary>Columns padded to their widest cell.</summary>
    public void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows);
        var widths = header.Select((_, column) => all.Max(row => column < row.Count ? row[column].Length : 0)).ToArray();
        foreach (var row in all)
        {
            Out.WriteLine(string.Join("  ", row.Select((cell, column) => column == row.Count - 1 ? cell : cell.PadRight(widths[column]))).TrimEnd());
        }
    }
}
