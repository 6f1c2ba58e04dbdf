using System.Reflection;
using System.Text.RegularExpressions;

namespace BatchPool.Tests.Packages;

/// <summary>
/// BatchPool's packages packed once for the test run into a feed folder, with a version of their own
/// (0.1.0-packagetest.TIME.PID): no package restored earlier, in NuGet's cache or anywhere, can stand in for them. The
/// apps restore them from there and everything else from the machine's usual source. <see cref="Delete"/> removes the
/// feed, the apps and this version's copies in NuGet's global packages folder (and what a run that died left).
/// </summary>
public sealed class PackageFeed
{
    private const string VersionTag = "packagetest";

    private PackageFeed(string root, string version)
    {
        Root = root;
        Folder = Path.Combine(root, "feed");
        Version = version;
    }

    /// <summary>The folder that holds every test's files (feed, apps).</summary>
    public string Root { get; }

    /// <summary>The feed: a folder of .nupkg files.</summary>
    public string Folder { get; }

    /// <summary>The packages' version.</summary>
    public string Version { get; }

    /// <summary>A new empty folder under the run's root, with a nuget.config that adds the feed to the usual sources.</summary>
    public string NewAppFolder(string name)
    {
        var folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="batchpool-test-feed" value="{Folder}" />
              </packageSources>
            </configuration>
            """);
        return folder;
    }

    /// <summary>Packs the solution's packages, as this test run built them, into a new feed.</summary>
    public static async Task<PackageFeed> PackAsync()
    {
        var repository = RepositoryRoot();
        var stamp = $"{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var root = Path.Combine(Path.GetTempPath(), "batchpool-package-tests", stamp);
        Directory.CreateDirectory(root);
        var feed = Path.Combine(root, "feed");
        DeleteLeftovers();

        // The solution's projects as this test run built them: the same configuration, no build of its own.
        var configuration = typeof(PackageFeed).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        await Dotnet.Succeed(repository, "pack", "BatchPool.slnx", "-c", configuration, "--no-build", "--no-restore", "-o", feed,
            $"-p:VersionSuffix={VersionTag}.{stamp}", $"-p:NuspecOutputPath={Path.Combine(root, "nuspec")}/");

        // BatchPool.VERSION.nupkg, beside BatchPool.Docker.VERSION.nupkg and the others.
        var version = Directory.GetFiles(feed, "BatchPool.*.nupkg")
            .Select(file => Regex.Match(Path.GetFileName(file), $@"^BatchPool\.([0-9][^-]*-{VersionTag}\.{Regex.Escape(stamp)})\.nupkg$"))
            .Single(match => match.Success).Groups[1].Value;
        return new PackageFeed(root, version);
    }

    /// <summary>The repository's root: the folder above the test assembly that holds BatchPool.slnx.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "BatchPool.slnx")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No BatchPool.slnx above {AppContext.BaseDirectory}: the package tests run from the repository's build.");
    }

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Deletes the feed, the apps, and the packages of this version in NuGet's global folder.</summary>
    public void Delete()
    {
        TryDelete(Root);
        foreach (var package in PackageFolders())
        {
            TryDelete(Path.Combine(package, Version));
        }
    }

    /// <summary>What test runs that died left: test versions in NuGet's global folder, and their roots, a day old or more.</summary>
    private static void DeleteLeftovers()
    {
        var old = DateTime.UtcNow.AddDays(-1);
        var versions = PackageFolders().SelectMany(Directory.GetDirectories);
        var roots = Directory.GetDirectories(Path.Combine(Path.GetTempPath(), "batchpool-package-tests"));
        foreach (var folder in versions.Where(v => Path.GetFileName(v).Contains($"-{VersionTag}.", StringComparison.Ordinal)).Concat(roots))
        {
            if (Directory.GetLastWriteTimeUtc(folder) < old)
            {
                TryDelete(folder);
            }
        }
    }

    private static IEnumerable<string> PackageFolders()
    {
        var global = GlobalPackagesFolder();
        return Directory.Exists(global) ? Directory.GetDirectories(global, "batchpool*") : [];
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // Still in use by a process that outlived the run: the next run's DeleteLeftovers takes it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
