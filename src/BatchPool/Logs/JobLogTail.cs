using System.Text;

namespace BatchPool.Logs;

/// <summary>
/// What one call printed, capped: past <see cref="Capacity"/> characters the oldest text is dropped, so that the end of
/// a long log (where errors are) is what is kept. A pure buffer; <see cref="JobConsole"/> feeds it.
/// </summary>
internal sealed class JobLogTail(int capacity)
{
    private readonly StringBuilder _text = new();
    private bool _truncated;

    /// <summary>How many characters of a call's log are kept: the last ones.</summary>
    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be positive");

    public bool IsEmpty => _text.Length == 0;

    public void Append(char value)
    {
        _text.Append(value);
        TrimIfDue();
    }

    public void Append(ReadOnlySpan<char> value)
    {
        if (value.Length >= Capacity)
        {
            _text.Clear();
            _truncated = true;
            value = value[^Capacity..];
        }
        _text.Append(value);
        TrimIfDue();
    }

    /// <summary>The text kept, starting with a line that says how much was dropped when some was; and empties the buffer.</summary>
    public string Take()
    {
        var text = _truncated ? TruncationNote + _text.ToString(Math.Max(0, _text.Length - Capacity), Math.Min(Capacity, _text.Length)) : _text.ToString();
        _text.Clear();
        _truncated = false;
        return text;
    }

    /// <summary>The first line of a log whose beginning was dropped.</summary>
    public const string TruncationNote = "[batchpool: the beginning of this log was dropped; its last characters follow]\n";

    private void TrimIfDue()
    {
        // Trimmed by halves, not per write: a log written character by character stays linear.
        if (_text.Length > 2 * Capacity)
        {
            _text.Remove(0, _text.Length - Capacity);
            _truncated = true;
        }
    }
}
