using Microsoft.Playwright;
using Tandem.Testing;

namespace Tandem.Tests.Dashboard;

/// <summary>
/// Debian's <c>chromium</c> under Playwright's bundled driver, headless, in a fresh profile that is deleted afterwards;
/// no browser download. Page errors, console errors and HTTP errors (other than the 401 that asks for the token) are collected in <see cref="Problems"/>.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Browser tests run one at a time: a browser each at once would crowd a 2-core machine.</summary>
    public const string Collection = "headless chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowserContext _context;
    private readonly DirectoryInfo _profile;

    private HeadlessChromium(IPlaywright playwright, IBrowserContext context, DirectoryInfo profile, IPage page)
    {
        _playwright = playwright;
        _context = context;
        _profile = profile;
        Page = page;
        page.SetDefaultTimeout((float)Bound.TotalMilliseconds);
        page.PageError += (_, error) => Problems.Add("page error: " + error);
        page.Console += (_, message) =>
        {
            // The 401 that makes the page ask for the token is expected; a 404 is not: the page asks only for what
            // /api/status says the config has.
            if (message.Type == "error" && !message.Text.Contains("401", StringComparison.Ordinal))
            {
                Problems.Add("console: " + message.Text);
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && response.Status != 401)
            {
                Problems.Add($"HTTP {response.Status} for {response.Url}");
            }
        };
    }

    public IPage Page { get; }

    public List<string> Problems { get; } = [];

    /// <summary>Where screenshots go: <c>artifacts/screenshots</c> beside the test assembly.</summary>
    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots");

    /// <param name="width">The viewport's width.</param>
    /// <param name="height">The viewport's height.</param>
    /// <param name="acceptAnyCertificate">Accept an HTTPS admin listener's certificate from a test CA the browser does not know.</param>
    public static async Task<HeadlessChromium> LaunchAsync(int width = 1366, int height = 900, bool acceptAnyCertificate = false)
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var profile = Directory.CreateTempSubdirectory("tandem-chromium-");
        // Bounded like every page action: a driver that never answers fails this test instead of hanging the run.
        var playwright = await Playwright.CreateAsync().WaitAsync(Bound);
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile.FullName, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = Requirements.Find("chromium"),
                Headless = true,
                Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync"],
                ViewportSize = new ViewportSize { Width = width, Height = height },
                IgnoreHTTPSErrors = acceptAnyCertificate,
                Timeout = (float)Bound.TotalMilliseconds,
            });
            var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync().WaitAsync(Bound);
            return new HeadlessChromium(playwright, context, profile, page);
        }
        catch
        {
            playwright.Dispose();
            profile.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>Full-page screenshots at 1366x900 and 390x844 named <paramref name="name"/>-desktop/-phone; returns both paths.</summary>
    public async Task<(string Desktop, string Phone)> ScreenshotsAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var desktop = Path.Combine(ScreenshotDirectory, $"{name}-desktop-1366x900.png");
        await Page.SetViewportSizeAsync(1366, 900);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = desktop, FullPage = true });
        await Page.SetViewportSizeAsync(390, 844);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var phone = Path.Combine(ScreenshotDirectory, $"{name}-phone-390x844.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = phone, FullPage = true });
        var overflow = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the phone layout is {overflow} px wider than the screen");
        return (desktop, phone);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Closing a browser that hangs must not hang the run: after the bound the driver is disposed regardless.
            await _context.DisposeAsync().AsTask().WaitAsync(Bound);
        }
        finally
        {
            _playwright.Dispose();
            _profile.Delete(recursive: true);
        }
    }
}
