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
            AttachStdout = false,
            AttachStderr = false,
            NetworkDisabled = true,
            HostConfig = new HostConfig
            {
                NetworkMode = "none",
                // The engine's init (tini) is process 1: the worker can then be killed like any process, and its children are reaped.
                Init = true,
                Mounts = [.. spec.BindMounts.Select(path => new Mount { Type = "bind", Source = path, Target = path })],
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

    public Task WaitAsync(string id, CancellationToken cancellationToken) =>
        CallAsync(() => _client.Containers.WaitContainerAsync(id, cancellationToken));

    public Task<ContainerEnd> InspectEndAsync(string id, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var state = (await _client.Containers.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false)).State;
        return new ContainerEnd(state.ExitCode, state.OOMKilled, string.IsNullOrEmpty(state.Error) ? null : state.Error);
    });

    public Task<string> LogTailAsync(string id, int lines, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var parameters = new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = lines.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        using var stream = await _client.Containers.GetContainerLogsAsync(id, false, parameters, cancellationToken).ConfigureAwait(false);
        // Frame by frame, so that standard output and error stay in the order the job wrote them.
        using var text = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            if (read.EOF)
            {
                break;
            }
            text.Write(buffer, 0, read.Count);
        }
        return Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
    });

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
            throw new ContainerEngineException($"the Docker engine at {Endpoint} cannot be reached ({e.GetBaseException().Message})", null, e);
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
