using System.Diagnostics;

namespace BatchPool.Status;

/// <summary>Whether an executor's client still runs.</summary>
public enum ClientState
{
    /// <summary>It runs (its process exists on this machine, or it wrote its document lately).</summary>
    Alive,

    /// <summary>It shut the executor down (<see cref="ExecutorStatus.Ended"/>).</summary>
    Ended,

    /// <summary>It is gone without shutting down (crashed, killed), or stopped writing.</summary>
    Gone,
}

/// <summary>Tells whether an executor's client runs, from its status document.</summary>
public static class ClientLiveness
{
    /// <summary>
    /// How long a client on another machine may go without rewriting its document before it counts as gone: it rewrites
    /// it at least every 5 seconds while it lives.
    /// </summary>
    public static readonly TimeSpan SilenceAllowed = TimeSpan.FromSeconds(30);

    /// <summary>The state of <paramref name="status"/>'s client, as seen from this machine now.</summary>
    /// <param name="status">The document.</param>
    public static ClientState Of(ExecutorStatus status) =>
        Of(status, DateTimeOffset.UtcNow, Environment.MachineName, ProcessStartedAt);

    /// <summary>
    /// The state of <paramref name="status"/>'s client: ended when the document says so; on this host, alive while its
    /// process (the same id and start time) exists; elsewhere, alive while the document is younger than
    /// <see cref="SilenceAllowed"/>. A pure function of its arguments.
    /// </summary>
    /// <param name="status">The document.</param>
    /// <param name="now">The time now.</param>
    /// <param name="thisHost">This machine's name.</param>
    /// <param name="processStarted">When the process of an id on this machine started; null when there is none.</param>
    public static ClientState Of(ExecutorStatus status, DateTimeOffset now, string thisHost, Func<int, DateTimeOffset?> processStarted)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(processStarted);
        if (status.Ended is not null)
        {
            return ClientState.Ended;
        }
        if (string.Equals(status.Client.Host, thisHost, StringComparison.OrdinalIgnoreCase))
        {
            // A process id is reused: the same id started at another time is another process.
            return processStarted(status.Client.ProcessId) is { } started && (started - status.Client.ProcessStarted).Duration() < TimeSpan.FromSeconds(2)
                ? ClientState.Alive
                : ClientState.Gone;
        }
        return now - status.Updated < SilenceAllowed ? ClientState.Alive : ClientState.Gone;
    }

    /// <summary>When the process <paramref name="processId"/> of this machine started, or null when there is none.</summary>
    /// <param name="processId">The process's id.</param>
    public static DateTimeOffset? ProcessStartedAt(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited ? null : new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
