using System.Globalization;
using System.Text.Json;
using BatchPool.Storage;

namespace BatchPool.Status;

/// <summary>A status document that cannot be read: missing, half-written, of a newer schema.</summary>
public sealed class StatusReadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the file.</param>
    /// <param name="inner">The error underneath, if any.</param>
    public StatusReadException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StatusReadException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public StatusReadException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// Finds executors in a storage folder and reads their status documents and logs: what the <c>batchpool</c> tool and the
/// dashboard show. Reads files only; the executors' clients may be running, gone, or on other machines.
/// </summary>
public static class StatusReader
{
    /// <summary>
    /// The folders of the executors under <paramref name="root"/> (a backend's storage folder, which holds
    /// <c>batch-pool-executor/</c>), those with a status document, by name. Empty when there are none.
    /// </summary>
    /// <param name="root">The storage folder.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static IReadOnlyList<string> ExecutorFolders(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The folder '{root}' does not exist.");
        }
        var executors = Path.Combine(root, ExecutorLayout.RootFolder);
        if (!Directory.Exists(executors))
        {
            return [];
        }
        return [.. Directory.EnumerateDirectories(executors)
            .Where(folder => File.Exists(Path.Combine(folder, ExecutorLayout.StatusFileName)))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The folder of executor <paramref name="name"/> under <paramref name="root"/> (it may not exist).</summary>
    /// <param name="root">The storage folder.</param>
    /// <param name="name">The executor's name.</param>
    public static string FolderOf(string root, string name) => Path.Combine(root, ExecutorLayout.RootFolder, name);

    /// <summary>Reads the status document of the executor in <paramref name="folder"/>.</summary>
    /// <param name="folder">The executor's folder.</param>
    /// <exception cref="StatusReadException">It is missing, not a whole document, or of a newer schema.</exception>
    public static ExecutorStatus Read(string folder)
    {
        var path = Path.Combine(folder, ExecutorLayout.StatusFileName);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new StatusReadException($"There is no status document at '{path}': no executor there, or one whose client has not written it yet.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StatusReadException($"The status document '{path}' cannot be read: {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses a status document; <paramref name="path"/> names it in errors. A pure function.</summary>
    /// <param name="document">The document's bytes.</param>
    /// <param name="path">Where it came from.</param>
    /// <exception cref="StatusReadException">It is not a whole document, or of a newer schema.</exception>
    public static ExecutorStatus Parse(ReadOnlySpan<byte> document, string path)
    {
        try
        {
            var probe = JsonSerializer.Deserialize(document, StatusJson.Default.SchemaProbe);
            if (probe is null || probe.Schema < 1)
            {
                throw new StatusReadException($"The status document '{path}' has no schema number: it is not a BatchPool status document.");
            }
            if (probe.Schema > ExecutorStatus.CurrentSchema)
            {
                throw new StatusReadException(string.Create(CultureInfo.InvariantCulture,
                    $"The status document '{path}' has schema {probe.Schema}, newer than this BatchPool reads ({ExecutorStatus.CurrentSchema}): update the tool (dotnet tool update -g BatchPool.Cli)."));
            }
            return JsonSerializer.Deserialize(document, StatusJson.Default.ExecutorStatus)
                ?? throw new StatusReadException($"The status document '{path}' is empty.");
        }
        catch (JsonException e)
        {
            throw new StatusReadException($"The status document '{path}' is not a whole JSON document (cut short, or not written by BatchPool): {e.Message}", e);
        }
    }

    /// <summary>Serializes a status document (what the client writes).</summary>
    /// <param name="status">The document.</param>
    public static byte[] Serialize(ExecutorStatus status) => JsonSerializer.SerializeToUtf8Bytes(status, StatusJson.Default.ExecutorStatus);

    /// <summary>
    /// The logs kept in the executor's folder for job <paramref name="call"/> (every job when null), in the order of
    /// <paramref name="status"/>'s jobs, each call's before its job's worker log tail.
    /// </summary>
    /// <param name="folder">The executor's folder.</param>
    /// <param name="status">Its status document, for the order of jobs.</param>
    /// <param name="call">A job's call name, or null.</param>
    public static IReadOnlyList<KeptLog> Logs(string folder, ExecutorStatus status, string? call = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        var logs = Path.Combine(folder, ExecutorLayout.LogsFolderName);
        if (!Directory.Exists(logs))
        {
            return [];
        }
        var files = Directory.EnumerateFiles(logs, "*.log").Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var kept = new List<KeptLog>();
        foreach (var job in status.Jobs)
        {
            if (call is not null && job.Call != call)
            {
                continue;
            }
            for (var index = 0; index < job.Calls; index++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"{job.Call}.{index}.log");
                if (files.Contains(name))
                {
                    kept.Add(new KeptLog(job.Call, index, ReadText(Path.Combine(logs, name))));
                }
            }
            if (files.Contains(job.Call + ".log"))
            {
                kept.Add(new KeptLog(job.Call, null, ReadText(Path.Combine(logs, job.Call + ".log"))));
            }
        }
        return kept;
    }

    private static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Cleaned meanwhile.
            return "";
        }
    }
}

/// <summary>A log kept in an executor's folder.</summary>
/// <param name="Call">The job's call name.</param>
/// <param name="Index">The call's place in its job (0 for a single call); null for the job's worker log tail, stored when its worker ended badly.</param>
/// <param name="Text">What was printed.</param>
public sealed record KeptLog(string Call, int? Index, string Text);
