using Microsoft.Playwright;

namespace BatchPool.Tests.Watch;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright (no browser download: <c>apt-get install chromium</c>, which
/// <c>.ci/run</c> does). The tests that need it fail when it is missing. Shared by the test projects that drive it
/// (linked into BatchPool.Tests.Packages).
/// </summary>
public static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's Chromium (apt-get install -y chromium), as .ci/run does.");
        }
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--headless"],
        });
        return (playwright, browser);
    }

    /// <summary>
    /// Where the screenshots go, for a person to look at afterwards: the test project's <c>TestResults/watch</c> (the
    /// tests run from its <c>bin/CONFIGURATION/TFM</c>).
    /// </summary>
    public static string Artefacts
    {
        get
        {
            var folder = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "TestResults", "watch"));
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    /// <summary>Keeps a screenshot of the page as a test artefact; returns its path.</summary>
    public static async Task<string> KeepScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(Artefacts, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}
