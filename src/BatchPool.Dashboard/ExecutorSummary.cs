using BatchPool.Status;

namespace BatchPool.Dashboard;

/// <summary>One executor as the dashboard and the tool list it: its status document, or why it cannot be read.</summary>
/// <param name="Name">The executor's name (its folder's).</param>
/// <param name="Folder">Its folder.</param>
/// <param name="Status">Its status document, when it could be read.</param>
/// <param name="Client">Whether its client runs, when the document could be read.</param>
/// <param name="Error">Why the document could not be read, when it could not.</param>
public sealed record ExecutorSummary(string Name, string Folder, ExecutorStatus? Status, ClientState? Client, string? Error)
{
    /// <summary>Reads every executor under <paramref name="root"/>; an unreadable document is a summary with an error.</summary>
    /// <param name="root">The storage folder.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static IReadOnlyList<ExecutorSummary> ReadAll(string root) =>
        [.. StatusReader.ExecutorFolders(root).Select(Read)];

    /// <summary>Reads the executor in <paramref name="folder"/>.</summary>
    /// <param name="folder">The executor's folder.</param>
    public static ExecutorSummary Read(string folder)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        try
        {
            var status = StatusReader.Read(folder);
            return new ExecutorSummary(name, folder, status, ClientLiveness.Of(status), null);
        }
        catch (StatusReadException e)
        {
            return new ExecutorSummary(name, folder, null, null, e.Message);
        }
    }
}
