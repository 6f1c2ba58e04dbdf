using System.Diagnostics;

namespace BatchPool.Diagnostics;

/// <summary>
/// One Submit or Map call while its jobs live: the span that is their parent and the progress of a map that asked for
/// it. Ends (span stopped, last progress report) when its last job ended.
/// </summary>
internal sealed class OperationWatch(Activity? span, ProgressTracker? progress, int jobs)
{
    private int _left = jobs;
    private int _failed;
    private int _cancelled;

    public Activity? Span { get; } = span;

    public ProgressTracker? Progress { get; } = progress;

    public void JobEnded(JobEnd end)
    {
        if (end == JobEnd.Failed)
        {
            Interlocked.Increment(ref _failed);
        }
        else if (end == JobEnd.Cancelled)
        {
            Interlocked.Increment(ref _cancelled);
        }
        if (Interlocked.Decrement(ref _left) != 0)
        {
            return;
        }
        if (Span is { } span)
        {
            var outcome = Volatile.Read(ref _failed) > 0 ? JobEnd.Failed : Volatile.Read(ref _cancelled) > 0 ? JobEnd.Cancelled : JobEnd.Succeeded;
            span.SetTag(Instruments.Names.Outcome, Spans.OutcomeName(outcome));
            if (outcome == JobEnd.Failed)
            {
                span.SetStatus(ActivityStatusCode.Error, $"{Volatile.Read(ref _failed)} jobs failed");
            }
            Spans.StopDetached(span);
        }
        Progress?.Flush();
    }

    /// <summary>The call failed before any job was submitted (a capture that cannot be shipped): its span ends with the error.</summary>
    public void Abandon(Exception error)
    {
        if (Span is { } span)
        {
            Spans.Fail(span, error);
            Spans.StopDetached(span);
        }
    }
}
