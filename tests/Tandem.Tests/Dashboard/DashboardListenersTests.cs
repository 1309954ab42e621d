using Microsoft.Playwright;
using Tandem.Core.Balancing;
using Tandem.Testing;
using Tandem.Tests.Support;
using Xunit.Abstractions;

namespace Tandem.Tests.Dashboard;

/// <summary>
/// The routes, layer-4 and cache panels of a running node in headless Chromium: a listener with routes (one of them
/// caching), a tcp and a udp listener, real backends and real traffic over 127.0.0.1.
/// </summary>
[Collection(HeadlessChromium.Collection)]
public sealed class DashboardListenersTests(ITestOutputHelper output)
{
    [RequiresFact("chromium")]
    public async Task Dashboard_RoutesTcpListenerAndCache_RowsShowLiveCounts()
    {
        Requirements.Check(["chromium"]);
        await using var api = await TestBackend.StartAsync("api-a");
        await using var origin = await HeaderBackend.StartAsync();
        await using var echo = new StreamEchoServer("echo-a");
        await using var udpEcho = new UdpEchoServer("udp-a");
        var tcpPort = 0;
        var udpPort = 0;
        await using var node = await NodeHarness.StartAsync((port, admin) =>
        {
            var more = FreePorts.Take(2);
            tcpPort = more[0];
            udpPort = more[1];
            return $$"""
                listeners:
                  - name: web
                    bind: 127.0.0.1:{{port}}
                    routes:
                      - name: api
                        match: { path: /api/ }
                        rewrite: { strip-prefix: /api }
                        pool: api
                      - name: old
                        match: { path: /old }
                        redirect: { to: "/", status: 301 }
                      - name: site
                        pool: site
                        cache: { enabled: true }
                  - name: echo
                    bind: 127.0.0.1:{{tcpPort}}
                    protocol: tcp
                    pool: echo
                  - name: datagrams
                    bind: 127.0.0.1:{{udpPort}}
                    protocol: udp
                    pool: udp-echo
                admin:
                  bind: 127.0.0.1:{{admin}}
                cache: { memory: 16MB }
                pools:
                  - name: api
                    algorithm: {{BalancingAlgorithms.RoundRobin}}
                    servers:
                      - { name: a, address: 127.0.0.1:{{api.Port}} }
                  - name: site
                    algorithm: {{BalancingAlgorithms.RoundRobin}}
                    servers:
                      - { name: origin, address: 127.0.0.1:{{origin.Port}} }
                  - name: echo
                    algorithm: {{BalancingAlgorithms.RoundRobin}}
                    servers:
                      - { name: echo-a, address: 127.0.0.1:{{echo.Port}} }
                  - name: udp-echo
                    algorithm: {{BalancingAlgorithms.RoundRobin}}
                    servers:
                      - { name: udp-a, address: 127.0.0.1:{{udpEcho.Port}} }
                """;
        });
        using var stopTraffic = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var http = HttpTrafficAsync(node.ProxyUri, stopTraffic.Token);
        var tcp = TcpTrafficAsync($"127.0.0.1:{tcpPort}", stopTraffic.Token);
        var udp = UdpTrafficAsync($"127.0.0.1:{udpPort}", stopTraffic.Token);
        // One connection held open for the whole test: the listener's "open" count.
        using var held = await StreamClient.ConnectAsync($"127.0.0.1:{tcpPort}");
        Assert.Equal("echo-a", await held.ReadLineAsync());
        try
        {
            await using var chromium = await HeadlessChromium.LaunchAsync();
            var page = chromium.Page;
            await page.GotoAsync($"http://127.0.0.1:{node.AdminPort}/");

            // Routes: each route of web in config order, then the listener's own catch-all is absent (web has no pool:).
            await page.WaitForFunctionAsync("""
                () => ["api", "site"].every(r => {
                    const row = document.querySelector(`#routes tr[data-listener="web"][data-route="${r}"]`);
                    return row && Number(row.querySelector('td[data-label="requests"]').textContent) > 0
                      && Number(row.querySelector('td[data-label="req/s"]').textContent) > 0;
                  })
                """, null, new PageWaitForFunctionOptions { PollingInterval = 200 });
            Assert.Equal(["api", "old", "site"], await page.EvaluateAsync<string[]>(
                "() => [...document.querySelectorAll('#routes tr[data-route]')].map(r => r.dataset.route)"));
            var apiRow = page.Locator("#routes tr[data-route=\"api\"]");
            await Assertions.Expect(apiRow.Locator("td[data-label=\"action\"]")).ToContainTextAsync("pool");
            await Assertions.Expect(apiRow.Locator("td[data-label=\"pools\"]")).ToHaveTextAsync("api");
            await Assertions.Expect(apiRow.Locator("td[data-label=\"5xx\"]")).ToHaveTextAsync("0%");
            await Assertions.Expect(page.Locator("#routes tr[data-route=\"old\"] td[data-label=\"action\"]")).ToContainTextAsync("redirect 301 /");

            // Layer 4: the tcp listener with its pool, the held connection open, new connections and bytes moving.
            var echoRow = page.Locator("#streams tr[data-listener=\"echo\"]");
            await Assertions.Expect(echoRow.Locator("td[data-label=\"protocol\"]")).ToHaveTextAsync("tcp");
            await Assertions.Expect(echoRow.Locator("td[data-label=\"pools\"]")).ToHaveTextAsync("echo");
            await page.WaitForFunctionAsync("""
                () => {
                  const row = document.querySelector('#streams tr[data-listener="echo"]');
                  const n = label => parseFloat(row?.querySelector(`td[data-label="${label}"]`)?.textContent);
                  return n("open") >= 1 && n("connections") > 0 && n("new/s") > 0 && n("in") > 0 && n("out") > 0;
                }
                """, null, new PageWaitForFunctionOptions { PollingInterval = 200 });
            await Assertions.Expect(echoRow.Locator("td[data-label=\"failed\"]")).ToHaveTextAsync("0");
            // The udp listener: one client flow, an open session in its table.
            var udpRow = page.Locator("#streams tr[data-listener=\"datagrams\"]");
            await Assertions.Expect(udpRow.Locator("td[data-label=\"protocol\"]")).ToHaveTextAsync("udp");
            await Assertions.Expect(udpRow.Locator("td[data-label=\"pools\"]")).ToHaveTextAsync("udp-echo");
            await Assertions.Expect(udpRow.Locator("td[data-label=\"open\"]")).ToHaveTextAsync("1 session");
            await Assertions.Expect(udpRow.Locator("td[data-label=\"connections\"]")).ToHaveTextAsync("1");
            Assert.Equal(["echo", "datagrams"], await page.EvaluateAsync<string[]>(
                "() => [...document.querySelectorAll('#streams tr[data-listener]')].map(r => r.dataset.listener)"));

            // Cache: the panel shows once /api/status says a route caches, with site's hit ratio and a chart of it.
            await Assertions.Expect(page.Locator("#cache")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#cache-facts")).ToContainTextAsync("site since start");
            await Assertions.Expect(page.Locator("#cache-facts")).ToContainTextAsync("% hits");
            await Assertions.Expect(page.Locator("#cache-chart .uplot")).ToHaveCountAsync(1);
            // Two polls of /api/cache (5 s apart) give the chart its first point, for the screenshots.
            await Task.Delay(TimeSpan.FromSeconds(6));

            Assert.Equal(0, await DashboardBrowserTests.RedElementsAsync(page));
            var (desktop, phone) = await chromium.ScreenshotsAsync("dashboard-listeners");
            output.WriteLine($"screenshots: {desktop}, {phone}");
            Assert.True(chromium.Problems.Count == 0, string.Join("\n", chromium.Problems));
        }
        finally
        {
            await stopTraffic.CancelAsync();
            await Task.WhenAll(http, tcp, udp);
        }
    }

    /// <summary>About 20 requests/s to the api route and as many to the cached site, until cancelled.</summary>
    private static async Task HttpTrafficAsync(Uri target, CancellationToken cancel)
    {
        using var client = TestHttp.Client(TimeSpan.FromSeconds(5));
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                using (await client.GetAsync(new Uri(target, "/api/"), cancel))
                {
                }
                using (await client.GetAsync(target, cancel))
                {
                }
                await Task.Delay(50, cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    /// <summary>A datagram every 200 ms from one client socket: one flow for the whole test.</summary>
    private static async Task UdpTrafficAsync(string endPoint, CancellationToken cancel)
    {
        using var client = UdpEchoServer.Client();
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                await UdpEchoServer.AskAsync(client, endPoint, "ping", TimeSpan.FromSeconds(2));
                await Task.Delay(200, cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    /// <summary>A short tcp connection every 150 ms: hello line, one echoed line, close.</summary>
    private static async Task TcpTrafficAsync(string endPoint, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                using (var client = await StreamClient.ConnectAsync(endPoint))
                {
                    await client.ReadLineAsync();
                    await client.SendAsync("ping\n");
                    await client.ReadLineAsync();
                }
                await Task.Delay(150, cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or TimeoutException or OperationCanceledException)
            {
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }
}
