using System.Diagnostics;

namespace BatchPool.Diagnostics;

/// <summary>
/// Starts and stops the executor's spans without touching the caller's <see cref="Activity.Current"/>: a map's span and
/// its jobs' spans outlive the call that started them and end on whatever thread sees their end.
/// </summary>
internal static class Spans
{
    public static Activity? StartDetached(string name, ActivityContext parent, IEnumerable<KeyValuePair<string, object?>> tags)
    {
        var previous = Activity.Current;
        var span = Instruments.Source.StartActivity(name, ActivityKind.Internal, parent, tags);
        if (span is not null)
        {
            Activity.Current = previous;
        }
        return span;
    }

    public static void StopDetached(Activity span)
    {
        var current = Activity.Current;
        span.Stop();
        if (!ReferenceEquals(current, span))
        {
            Activity.Current = current;
        }
    }

    public static void Fail(Activity span, Exception error)
    {
        span.SetStatus(ActivityStatusCode.Error, $"{error.GetType().Name}: {FirstLine(error.Message)}");
        span.AddException(error);
    }

    public static string OutcomeName(JobEnd end) => end switch
    {
        JobEnd.Succeeded => "succeeded",
        JobEnd.Failed => "failed",
        _ => "cancelled",
    };

    public static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? text : text[..end]).Trim();
    }
}
