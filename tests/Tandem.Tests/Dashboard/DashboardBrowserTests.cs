using System.Text.Json;
using Microsoft.Playwright;
using Tandem.Core.Balancing;
using Tandem.Testing;
using Tandem.Tests.Support;
using Xunit.Abstractions;

namespace Tandem.Tests.Dashboard;

/// <summary>
/// The dashboard of a running node in headless Chromium (Debian's <c>chromium</c>, driven by Playwright's bundled driver;
/// no browser is downloaded). Screenshots land in <c>artifacts/screenshots</c> beside the test assembly.
/// </summary>
[Collection(HeadlessChromium.Collection)]
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    [RequiresFact("chromium")]
    public async Task Dashboard_LiveNodeWithTraffic_ShowsServersAndDrainChangesState()
    {
        Requirements.Check(["chromium"]);
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var node = await NodeHarness.StartAsync((port, admin) =>
            ConfigYaml.OnePool(port, admin, BalancingAlgorithms.WeightedRoundRobin, (a, 3), (b, 1)));
        using var stopTraffic = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var traffic = PacedTrafficAsync(node.ProxyUri, stopTraffic.Token);
        var adminUri = $"http://127.0.0.1:{node.AdminPort}/";
        try
        {
            await using var chromium = await HeadlessChromium.LaunchAsync();
            var page = chromium.Page;

            await page.GotoAsync(adminUri);

            // Live data: the badge says live and server a shows a request rate.
            await page.WaitForFunctionAsync("""
                () => document.querySelector('#live')?.textContent === 'live'
                  && Number(document.querySelector('tr[data-server="a"] td[data-label="req/s"]')?.textContent) > 0
                """, null, new PageWaitForFunctionOptions { PollingInterval = 200 });
            // A standalone node: no pair panel or badge, nothing red while all is well, the config file named.
            await Assertions.Expect(page.Locator("#node")).ToContainTextAsync(Path.GetFileName(node.File.Path));
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.True(await page.Locator("#pair").IsHiddenAsync(), "the pair panel shows on a node without pair:");
            Assert.True(await page.Locator("#pair-badge").IsHiddenAsync(), "the pair badge shows on a node without pair:");
            // One listener with only pool: no routes panel (one implicit route says nothing the pool card does not), no layer-4 panel.
            Assert.True(await page.Locator("#routes").IsHiddenAsync(), "the routes panel shows on a node without routes:");
            Assert.True(await page.Locator("#streams").IsHiddenAsync(), "the layer-4 panel shows on a node without tcp/udp listeners");
            Assert.Equal(0, await RedElementsAsync(page));
            foreach (var server in new[] { "a", "b" })
            {
                var row = page.Locator($"tr[data-server=\"{server}\"]");
                await Assertions.Expect(row).ToBeVisibleAsync();
                await Assertions.Expect(row.Locator(".pill")).ToHaveTextAsync("up");
                await Assertions.Expect(row.Locator("td.name strong")).ToHaveTextAsync(server);
            }
            // Let the charts gather a few seconds of samples before the pictures.
            await page.WaitForFunctionAsync("() => document.querySelectorAll('.uplot').length >= 2");
            await Task.Delay(TimeSpan.FromSeconds(4));

            await page.Locator("button[data-server=\"b\"][data-action=\"drain\"]").ClickAsync();

            await Assertions.Expect(page.Locator("tr[data-server=\"b\"] .pill")).ToHaveTextAsync("draining");
            Assert.Equal("draining", await ServerStateAsync(adminUri, "b"));
            Assert.Equal("up", await ServerStateAsync(adminUri, "a"));
            await Task.Delay(TimeSpan.FromSeconds(2));
            // Still draining after further live events (the push agrees with the API).
            await Assertions.Expect(page.Locator("tr[data-server=\"b\"] .pill")).ToHaveTextAsync("draining");

            var (desktop, phone) = await chromium.ScreenshotsAsync("dashboard");
            output.WriteLine($"screenshots: {desktop}, {phone}");
            Assert.True(chromium.Problems.Count == 0, string.Join("\n", chromium.Problems));
        }
        finally
        {
            await stopTraffic.CancelAsync();
            await traffic;
        }
    }

    /// <summary>Visible elements drawn in the dashboard's red (text or background), each a sign that something is wrong.</summary>
    internal static Task<int> RedElementsAsync(IPage page) => page.EvaluateAsync<int>("""
        () => {
          const red = ["rgb(185, 28, 28)", "rgb(254, 226, 226)", "rgb(239, 68, 68)"];
          return [...document.querySelectorAll("body *")].filter(e => {
            if (!e.offsetParent && e.tagName !== "BODY") return false;
            const style = getComputedStyle(e);
            return red.includes(style.color) || red.includes(style.backgroundColor);
          }).length;
        }
        """);

    private static async Task<string?> ServerStateAsync(string adminUri, string server)
    {
        using var client = TestHttp.Client(TimeSpan.FromSeconds(10));
        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri(adminUri + "api/pools")));
        foreach (var s in document.RootElement[0].GetProperty("servers").EnumerateArray())
        {
            if (s.GetProperty("name").GetString() == server)
            {
                return s.GetProperty("state").GetString();
            }
        }
        return null;
    }

    /// <summary>About 30 requests/s until cancelled (at most 90 s): enough for rates and latencies to show.</summary>
    private static async Task PacedTrafficAsync(Uri target, CancellationToken cancel)
    {
        using var client = TestHttp.Client(TimeSpan.FromSeconds(5));
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                using var response = await client.GetAsync(target, cancel);
                await Task.Delay(30, cancel);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }
}
