using Microsoft.Playwright;
using Tandem.Core.Balancing;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Dashboard;

/// <summary>The dashboard of a node whose admin listener has <c>admin.tls</c>, in headless Chromium over HTTPS: live data and a change.</summary>
[Collection(HeadlessChromium.Collection)]
public sealed class DashboardHttpsTests
{
    [RequiresFact("chromium")]
    public async Task Dashboard_AdminTls_LiveOverHttpsAndDrainWorks()
    {
        Requirements.Check(["chromium"]);
        using var certs = TestCertificates.Create();
        var (cert, key) = certs.WritePem(certs.Server("127.0.0.1"), "admin");
        await using var a = await TestBackend.StartAsync("a");
        await using var node = await NodeHarness.StartAsync((port, admin) =>
            ConfigYaml.OnePool(port, admin, BalancingAlgorithms.RoundRobin, (a, 1))
                .Replace("admin:\n", $"admin:\n  tls:\n    certificates: [ {{ cert: {cert}, key: {key} }} ]\n", StringComparison.Ordinal));
        var adminUri = $"https://127.0.0.1:{node.AdminPort}/";
        using var client = TestHttp.Client(TimeSpan.FromSeconds(5));
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync(node.ProxyUri);
        }

        // The browser does not know the test CA; everything else is as a user's browser does it.
        await using var chromium = await HeadlessChromium.LaunchAsync(acceptAnyCertificate: true);
        var page = chromium.Page;
        await page.GotoAsync(adminUri);

        await page.WaitForFunctionAsync("() => document.querySelector('#live')?.textContent === 'live'", null,
            new PageWaitForFunctionOptions { PollingInterval = 200 });
        await Assertions.Expect(page.Locator("tr[data-server=\"a\"] .pill")).ToHaveTextAsync("up");
        await page.Locator("button[data-server=\"a\"][data-action=\"drain\"]").ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-server=\"a\"] .pill")).ToHaveTextAsync("draining");
        Assert.Equal("draining", node.Node.Pools.Find("app")!.FindServer("a")!.StateName);
        Assert.StartsWith("https://", page.Url, StringComparison.Ordinal);
        Assert.True(chromium.Problems.Count == 0, string.Join("\n", chromium.Problems));
    }
}
