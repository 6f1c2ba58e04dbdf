using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BatchPool.Docker;

/// <summary><see cref="IContainerEngine"/> over Docker.DotNet, speaking the engine API 1.41 (Docker Engine 20.10 and later).</summary>
internal sealed class DockerEngine : IContainerEngine
{
    /// <summary>The API version every request names: the oldest engine we support understands it, newer ones accept it.</summary>
    public static readonly System.Version ApiVersion = new(1, 41);

    private readonly DockerClientConfiguration _configuration;
    private readonly DockerClient _client;

    public DockerEngine(string endpoint)
    {
        Endpoint = endpoint;
        // No client-side timeout: a wait lasts as long as its job.
        _configuration = new DockerClientConfiguration(new Uri(endpoint), null, Timeout.InfiniteTimeSpan, default, null);
        _client = _configuration.CreateClient(ApiVersion);
    }

    public string Endpoint { get; }

    public Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        try
        {
            await _client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    });

    public Task PingAsync(CancellationToken cancellationToken) => CallAsync(() => _client.System.PingAsync(cancellationToken));

    public Task PullAsync(string image, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        // The pull reports errors in its progress stream, not in its status: collect them.
        var errors = new List<string>();
        var progress = new Progress<JSONMessage>(m =>
        {
            if (m.ErrorMessage is { Length: > 0 } error)
            {
                lock (errors)
                {
                    errors.Add(error);
                }
            }
        });
        await _client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = image }, null, progress, cancellationToken).ConfigureAwait(false);
        lock (errors)
        {
            if (errors.Count > 0)
            {
                throw new ContainerEngineException(string.Join("; ", errors));
            }
        }
        return true;
    });

    public Task<string> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var parameters = new CreateContainerParameters
        {
            Name = spec.Name,
            Image = spec.Image,
            Cmd = [.. spec.Command],
            Env = [.. spec.Environment.Select(v => $"{v.Key}={v.Value}")],
            Labels = spec.Labels.ToDictionary(l => l.Key, l => l.Value),
            User = spec.User,
            // A reused container idles on a standard input that stays open (no one attaches).
            OpenStdin = spec.KeepStdinOpen,
            StdinOnce = false,
            AttachStdout = false,
            AttachStderr = false,
            NetworkDisabled = !spec.HostNetwork,
            HostConfig = new HostConfig
            {
                NetworkMode = spec.HostNetwork ? "host" : "none",
                // The engine's init (tini) is process 1: the worker can then be killed like any process, and its children are reaped.
                Init = true,
                Mounts = [.. spec.BindMounts.Select(path => new Mount { Type = "bind", Source = path, Target = path }),
                          .. (spec.ReadOnlyMounts ?? []).Select(path => new Mount { Type = "bind", Source = path, Target = path, ReadOnly = true })],
                NanoCPUs = spec.NanoCpus ?? 0,
                Memory = spec.MemoryBytes ?? 0,
                // No swap beyond the limit: a job over its memory is killed, not slowed down.
                MemorySwap = spec.MemoryBytes ?? 0,
            },
        };
        var created = await _client.Containers.CreateContainerAsync(parameters, cancellationToken).ConfigureAwait(false);
        return created.ID;
    });

    public Task StartAsync(string id, CancellationToken cancellationToken) =>
        CallAsync(() => _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken));

    public Task<ContainerExit> WaitAsync(string id, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        // An engine that stops while it is asked answers with no body.
        var exit = await _client.Containers.WaitContainerAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new ContainerEngineException($"the Docker engine at {Endpoint} ended its wait call for container {id} without an answer", null, null, unreachable: true);
        return new ContainerExit(exit.StatusCode, string.IsNullOrEmpty(exit.Error?.Message) ? null : exit.Error.Message);
    });

    public Task<ContainerEnd> InspectEndAsync(string id, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var state = (await _client.Containers.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false)).State;
        return new ContainerEnd(state.ExitCode, state.OOMKilled, string.IsNullOrEmpty(state.Error) ? null : state.Error, state.Running);
    });

    public Task<string> ExecCreateAsync(string container, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, string? user, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var created = await _client.Exec.ExecCreateContainerAsync(container, new ContainerExecCreateParameters
        {
            Cmd = [.. command],
            Env = [.. environment.Select(v => $"{v.Key}={v.Value}")],
            User = user,
            AttachStdout = true,
            AttachStderr = true,
        }, cancellationToken).ConfigureAwait(false);
        return created.ID;
    });

    public Task<string> ExecRunAsync(string exec, int lines, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        using var stream = await _client.Exec.StartAndAttachContainerExecAsync(exec, false, cancellationToken).ConfigureAwait(false);
        return await TailOfAsync(stream, lines, cancellationToken).ConfigureAwait(false);
    });

    public Task<long> ExecExitCodeAsync(string exec, CancellationToken cancellationToken) => CallAsync(async () =>
        (await _client.Exec.InspectContainerExecAsync(exec, cancellationToken).ConfigureAwait(false)).ExitCode);

    public Task<bool> OutOfMemoryEventAsync(string container, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var seen = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var parameters = new ContainerEventsParameters
        {
            Since = since.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            Until = (until.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture),
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["container"] = new Dictionary<string, bool> { [container] = true },
                ["event"] = new Dictionary<string, bool> { ["oom"] = true },
            },
        };
        try
        {
            // The stream ends at `until`; the first oom event answers at once.
            await _client.System.MonitorEventsAsync(parameters, new SynchronousProgress<Message>(_ =>
            {
                Interlocked.Exchange(ref seen, 1);
                stop.Cancel();
            }), stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Volatile.Read(ref seen) == 1)
        {
        }
        return Volatile.Read(ref seen) == 1;
    });

    public Task<string> LogTailAsync(string id, int lines, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var parameters = new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = lines.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        using var stream = await _client.Containers.GetContainerLogsAsync(id, false, parameters, cancellationToken).ConfigureAwait(false);
        return await TailOfAsync(stream, lines, cancellationToken).ConfigureAwait(false);
    });

    /// <summary>
    /// Reads a multiplexed stream to its end, frame by frame (so that standard output and error stay in the order they
    /// were written), keeping only its last <paramref name="lines"/> lines.
    /// </summary>
    private static async Task<string> TailOfAsync(MultiplexedStream stream, int lines, CancellationToken cancellationToken)
    {
        const int Keep = 64 * 1024;
        var text = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            if (read.EOF)
            {
                break;
            }
            text.Write(buffer, 0, read.Count);
            if (text.Length > 4 * Keep)
            {
                var last = text.GetBuffer().AsSpan((int)text.Length - Keep, Keep).ToArray();
                text.SetLength(0);
                text.Write(last);
            }
        }
        var all = Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length).TrimEnd('\n');
        var start = all.Length;
        for (var i = 0; i < lines && start > 0; i++)
        {
            start = all.LastIndexOf('\n', start - 1);
            if (start < 0)
            {
                start = 0;
                break;
            }
        }
        return all[(start == 0 ? 0 : start + 1)..];
    }

    public Task KillAsync(string id, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        try
        {
            await _client.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "KILL" }, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            // Not running (any more), or gone.
        }
        return true;
    });

    public Task RemoveAsync(string id, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        try
        {
            await _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound || (e.StatusCode == HttpStatusCode.Conflict && e.ResponseBody.Contains("already in progress", StringComparison.Ordinal)))
        {
        }
        return true;
    });

    public Task<IReadOnlyList<string>> ListAsync(IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var filter = labels.ToDictionary(l => $"{l.Key}={l.Value}", _ => true);
        var listed = await _client.Containers.ListContainersAsync(
            new ContainersListParameters { All = true, Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = filter } },
            cancellationToken).ConfigureAwait(false);
        return (IReadOnlyList<string>)[.. listed.Select(c => c.ID)];
    });

    public void Dispose()
    {
        _client.Dispose();
        _configuration.Dispose();
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports on the reading thread (<see cref="Progress{T}"/> posts, and may run late).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private Task CallAsync(Func<Task> call) => CallAsync(async () =>
    {
        await call().ConfigureAwait(false);
        return true;
    });

    /// <summary>Turns the client library's failures into <see cref="ContainerEngineException"/>s in the engine's words.</summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            throw new ContainerEngineException(EngineMessage(e.ResponseBody) ?? e.Message, (int)e.StatusCode, e);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or TimeoutException)
        {
            throw new ContainerEngineException($"the Docker engine at {Endpoint} cannot be reached ({e.GetBaseException().Message})", null, e, unreachable: true);
        }
        catch (Newtonsoft.Json.JsonException e)
        {
            // An answer cut short: the engine stopped while it wrote it.
            throw new ContainerEngineException($"the Docker engine at {Endpoint} gave an answer that cannot be read ({e.Message})", null, e, unreachable: true);
        }
    }

    private static string? EngineMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("message", out var message) ? message.GetString() : body.Trim();
        }
        catch (JsonException)
        {
            return body.Trim();
        }
    }
}
