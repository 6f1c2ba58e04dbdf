using System.Formats.Tar;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BatchPool.Tests.Docker;

/// <summary>The tests' own line to the engine: images made for a test, and the containers an executor left.</summary>
public sealed class DockerTestEngine : IDisposable
{
    private readonly DockerClientConfiguration _configuration = new(new Uri(DockerBackend.DefaultEndpoint), null, TimeSpan.FromMinutes(2), default, null);
    private readonly DockerClient _client;

    public DockerTestEngine() => _client = _configuration.CreateClient(new System.Version(1, 41));

    /// <summary>Every container, running or stopped, whose <c>batchpool.executor</c> label names <paramref name="executorName"/>.</summary>
    public async Task<IList<ContainerListResponse>> ContainersOfAsync(string executorName) =>
        await _client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"batchpool.executor={executorName}"] = true } },
        });

    /// <summary>An image made of one text file: no shell, no .NET.</summary>
    public async Task<string> ImportEmptyImageAsync(string repository)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "etc/os-release") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("NAME=nothing\n")) };
            writer.WriteEntry(entry);
        }
        tar.Position = 0;
        await RemoveImageAsync($"{repository}:test");
        await _client.Images.CreateImageAsync(new ImagesCreateParameters { FromSrc = "-", Repo = repository, Tag = "test" }, tar, null, new Progress<JSONMessage>());
        return $"{repository}:test";
    }

    /// <summary>Builds an image from a Dockerfile's text (no context files), as a user would build theirs.</summary>
    public async Task<string> BuildAsync(string repository, string dockerfile)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "Dockerfile") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(dockerfile)) });
        }
        tar.Position = 0;
        await RemoveImageAsync($"{repository}:test");
        var errors = new List<string>();
        await _client.Images.BuildImageFromDockerfileAsync(
            new ImageBuildParameters { Tags = [$"{repository}:test"], Remove = true, ForceRemove = true },
            tar, null, null, new Progress<JSONMessage>(m =>
            {
                if (m.ErrorMessage is { Length: > 0 } error)
                {
                    lock (errors)
                    {
                        errors.Add(error);
                    }
                }
            }));
        lock (errors)
        {
            Assert.True(errors.Count == 0, $"docker build of {repository} failed: {string.Join("; ", errors)}");
        }
        return $"{repository}:test";
    }

    public async Task<bool> ImageExistsAsync(string image)
    {
        try
        {
            await _client.Images.InspectImageAsync(image);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Removes an image a test made before, so that rebuilding it leaves no untagged image behind.</summary>
    public async Task RemoveImageAsync(string image)
    {
        try
        {
            await _client.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true });
        }
        catch (DockerImageNotFoundException)
        {
        }
    }

    public async Task PingAsync() => await _client.System.PingAsync();

    public void Dispose()
    {
        _client.Dispose();
        _configuration.Dispose();
    }
}
