using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Observability.Admin;
using Tandem.Observability.Metrics;
using Tandem.Testing;
using Xunit.Abstractions;

namespace Tandem.Tests.Dashboard;

/// <summary>
/// The panels fed by other features (alerts, pair, forecast), against the real admin routes plus small fake handlers
/// for those three endpoints in the shapes the features publish.
/// </summary>
[Collection(HeadlessChromium.Collection)]
public sealed class DashboardPanelsTests(ITestOutputHelper output)
{
    [RequiresFact("chromium")]
    public async Task Dashboard_AlertsPairAndForecastAnswer_PanelsShown()
    {
        Requirements.Check(["chromium"]);
        await using var admin = await FakeFeaturesAdmin.StartAsync();
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = chromium.Page;

        await page.GotoAsync(admin.BaseAddress);

        await Assertions.Expect(page.Locator("#alerts")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#alerts-firing li.alert")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#alerts-firing li.alert").First).ToContainTextAsync("server-down");
        await Assertions.Expect(page.Locator("#alert-badge")).ToHaveTextAsync("2 firing");
        await Assertions.Expect(page.Locator("#pair")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#pair-facts")).ToContainTextAsync("a (master)");
        await Assertions.Expect(page.Locator("#pair-badge")).ToHaveTextAsync("master · peer ok");
        await Assertions.Expect(page.Locator("#forecast")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#forecast-pools .uplot")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#forecast-pools")).ToContainTextAsync("wake backup");
        await Assertions.Expect(page.Locator("#forecast-pools .planned")).ToContainTextAsync("Servers the p90 needs: 2 now, 3 from");
        await Assertions.Expect(page.Locator("#not-configured")).ToHaveTextAsync("");
        await page.WaitForFunctionAsync("() => document.querySelector('#live')?.textContent === 'live'");
        await Task.Delay(TimeSpan.FromSeconds(5));

        var (desktop, phone) = await chromium.ScreenshotsAsync("dashboard-panels");
        output.WriteLine($"screenshots: {desktop}, {phone}");
        Assert.True(chromium.Problems.Count == 0, string.Join("\n", chromium.Problems));
    }

    [RequiresFact("chromium")]
    public async Task Dashboard_ChangeNeedsToken_AsksAndKeepsItForTheSession()
    {
        Requirements.Check(["chromium"]);
        await using var admin = await FakeFeaturesAdmin.StartAsync(new AdminAccess(false, "s3cret"));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = chromium.Page;
        await page.GotoAsync(admin.BaseAddress);
        await Assertions.Expect(page.Locator("tr[data-server=\"a\"] .pill")).ToHaveTextAsync("up");

        await page.Locator("button[data-server=\"a\"][data-action=\"drain\"]").ClickAsync();
        await Assertions.Expect(page.Locator("#token-dialog")).ToBeVisibleAsync();
        await page.Locator("#token-input").FillAsync("s3cret");
        await page.Locator("#token-ok").ClickAsync();

        await Assertions.Expect(page.Locator("tr[data-server=\"a\"] .pill")).ToHaveTextAsync("draining");
        Assert.Equal("draining", admin.Pools.Find("app")!.FindServer("a")!.StateName);
        Assert.Equal("s3cret", await page.EvaluateAsync<string>("() => sessionStorage.getItem('tandem.adminToken')"));

        // The next change uses the kept token without asking.
        await page.Locator("button[data-server=\"a\"][data-action=\"enable\"]").ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-server=\"a\"] .pill")).ToHaveTextAsync("up");
        Assert.False(await page.Locator("#token-dialog").IsVisibleAsync());
        Assert.True(chromium.Problems.Count == 0, string.Join("\n", chromium.Problems));
    }

    [RequiresFact("chromium")]
    public async Task Dashboard_ReadsNeedToken_AsksOnceThenStreamsLive()
    {
        Requirements.Check(["chromium"]);
        await using var admin = await FakeFeaturesAdmin.StartAsync(new AdminAccess(true, "s3cret"));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = chromium.Page;

        await page.GotoAsync(admin.BaseAddress);
        await Assertions.Expect(page.Locator("#token-dialog")).ToBeVisibleAsync();
        await page.Locator("#token-input").FillAsync("s3cret");
        await page.Locator("#token-ok").ClickAsync();

        // EventSource cannot send the header: the page streams /api/live with fetch instead.
        await page.WaitForFunctionAsync("""
            () => document.querySelector('#live')?.textContent === 'live'
              && Number(document.querySelector('tr[data-server="a"] td[data-label="req/s"]')?.textContent) > 0
            """, null, new PageWaitForFunctionOptions { PollingInterval = 200 });
        await Assertions.Expect(page.Locator("#alerts")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#forget-token")).ToBeVisibleAsync();
        Assert.True(chromium.Problems.Count == 0, string.Join("\n", chromium.Problems));
    }

    /// <summary>The real admin routes over address-only pools, live samples fed by a timer, and fake feature endpoints.</summary>
    private sealed class FakeFeaturesAdmin : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly TandemMetrics _metrics;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _feed;

        private FakeFeaturesAdmin(WebApplication app, TandemMetrics metrics, PoolRegistry pools, string baseAddress)
        {
            _app = app;
            _metrics = metrics;
            Pools = pools;
            BaseAddress = baseAddress;
            _feed = FeedAsync(_stop.Token);
        }

        public PoolRegistry Pools { get; }

        public string BaseAddress { get; }

        public static async Task<FakeFeaturesAdmin> StartAsync(AdminAccess? access = null)
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var metrics = new TandemMetrics();
            var pools = new PoolRegistry(metrics);
            var config = new TandemConfig
            {
                Listeners = [new ListenerConfig { Name = "web", Bind = new HostPort("127.0.0.1", 8080), Pool = "app" }],
                Pools =
                [
                    new PoolConfig { Name = "app", Algorithm = "weighted-round-robin", Servers = [Server("a", 9001, 5), Server("b", 9002, 3), Server("spare", 9003, 1, backup: true)] },
                    new PoolConfig { Name = "api", Algorithm = "least-connections", Servers = [Server("x", 9101, 1), Server("y", 9102, 1)] },
                ],
                Source = "panels.yaml",
                Version = "f00dfeed1234",
                // The page shows the pair and forecast panels only when the config has those sections.
                Pair = new PairConfig { Node = "a", Bind = new HostPort("127.0.0.1", 7946), Peer = new HostPort("127.0.0.1", 7947), SecretFile = "pair.secret" },
                Forecast = new ForecastConfig(),
            };
            pools.Apply(config.Pools);
            var status = new NodeStatus(TimeProvider.System);
            status.Applied(config, []);
            if (access is not null)
            {
                app.UseTandemAdminAccess(access);
            }
            app.MapTandemAdmin(pools, metrics, status);
            var now = DateTimeOffset.UtcNow;
            app.MapGet("/api/alerts", () => Results.Json(new
            {
                firing = new object[]
                {
                    new { name = "cpu-high", level = "warning", labels = new { node = "a" }, state = "firing", since = now.AddMinutes(-7), value = 78.5, summary = "node CPU above 70% for 5 min" },
                    new { name = "server-down", level = "critical", labels = new { pool = "app", server = "b" }, state = "firing", since = now.AddSeconds(-45), value = 0, summary = "app/b down for more than 30 s" },
                },
                recent = new object[]
                {
                    new { name = "p99-latency", level = "warning", labels = new { pool = "api" }, state = "resolved", since = now.AddMinutes(-30), resolvedAt = now.AddMinutes(-22), value = 0.41, summary = "api p99 above 250 ms" },
                },
            }));
            app.MapGet("/api/pair", () => Results.Json(new
            {
                node = "a", role = "master", peer = "b", peerAlive = true, peerLastSeen = now.AddMilliseconds(-300), lastSync = now.AddSeconds(-2),
                lagChanges = 0, configVersion = "f00dfeed1234", peerConfigVersion = "f00dfeed1234", vipHolder = "a",
            }));
            app.MapGet("/api/forecast", () => Results.Json(new { pools = new[] { Forecast("app", now) } }));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            metrics.Live.Start();
            return new FakeFeaturesAdmin(app, metrics, pools, $"http://127.0.0.1:{new Uri(address).Port}/");
        }

        private static ServerConfig Server(string name, int port, int weight, bool backup = false) =>
            new() { Name = name, Address = new HostPort("127.0.0.1", port), Weight = weight, Backup = backup };

        private static object Forecast(string pool, DateTimeOffset now)
        {
            var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
            static double Daily(DateTimeOffset t) => 4000 + (3000 * Math.Sin((t.Hour - 9) / 24.0 * 2 * Math.PI));
            var actual = Enumerable.Range(-24, 24).Select(i => hour.AddHours(i))
                .Select(t => new { t, requests = Math.Round(Daily(t) * (1 + (0.05 * Math.Sin(t.Hour * 7.0)))) }).ToArray();
            var forecast = Enumerable.Range(0, 24).Select(i => hour.AddHours(i))
                .Select((t, i) => new
                {
                    t, value = Math.Round(Daily(t)), lower = Math.Round(Daily(t) * (0.9 - (i * 0.004))), upper = Math.Round(Daily(t) * (1.1 + (i * 0.004))),
                    p90 = Math.Round(Daily(t) * (1.1 + (i * 0.004))), servers = i == 0 ? 2 : Daily(t) * 1.1 > 5000 ? 3 : 2,
                }).ToArray();
            return new
            {
                pool, actual, forecast, capacityPerServer = 1.0,
                outlook = new { predictedPeak = 2.1, capacity = 2.5, overloadPredicted = false, serversNeeded = 2 },
                actions = new object[] { new { at = hour.AddHours(8), action = "wake backup", server = "spare", reason = "forecast upper bound above 80% of capacity" } },
            };
        }

        /// <summary>Requests with a latency spread on every server, about 40/s in all, so rates and charts move.</summary>
        private async Task FeedAsync(CancellationToken stop)
        {
            var random = new Random(6);
            var servers = new[] { ("app", "a", 5), ("app", "b", 3), ("api", "x", 2), ("api", "y", 2) };
            while (!stop.IsCancellationRequested)
            {
                foreach (var (pool, server, share) in servers)
                {
                    var recorder = _metrics.Live.Recorder(pool, server);
                    for (var i = 0; i < share; i++)
                    {
                        recorder.Record(random.Next(200) == 0 ? 502 : 200, 0.002 + (random.NextDouble() * random.NextDouble() * 0.05));
                    }
                }
                try
                {
                    await Task.Delay(100, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _feed;
            _metrics.Live.Dispose();
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
            _stop.Dispose();
        }
    }
}
