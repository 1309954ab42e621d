using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Requests;
using Tandem.Core.Telemetry;
using Tandem.Observability.Live;
using Tandem.Observability.Metrics;

namespace Tandem.Observability.Tests.Live;

/// <summary>The routes and layer-4 listeners of the live snapshot, derived per tick from the counters the data path keeps.</summary>
public sealed class LiveListenersTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Snapshot_RoutedListener_EachRouteWithActionPoolsRateErrorsAndMean()
    {
        var time = new FakeTimeProvider(Start);
        var metrics = new TandemMetrics(time);
        var listener = metrics.ForListener("web");
        var api = listener.ForRoute("api")!;
        var fallback = listener.ForRoute("default")!;
        metrics.Live.Tick();
        for (var i = 0; i < 18; i++)
        {
            api.RequestCompleted(200, 0.010);
        }
        api.RequestCompleted(502, 0.030);
        api.RequestCompleted(404, 0.030);
        fallback.RequestCompleted(200, 0.001);
        time.Advance(TimeSpan.FromSeconds(2));
        metrics.Live.Tick();

        using var json = Snapshot(metrics, Config(
            new ListenerConfig
            {
                Name = "web", Bind = new HostPort("127.0.0.1", 8080), Pool = "app", Routes =
                [
                    new RouteConfig { Name = "api", Pool = "api" },
                    new RouteConfig { Name = "canary", Split = [new SplitTarget("v1", 95), new SplitTarget("v2", 5)] },
                    new RouteConfig { Name = "old", Redirect = new RedirectConfig { To = "https://{host}/new", Status = 301 } },
                    new RouteConfig { Name = "ping", Respond = new RespondConfig { Status = 204 } },
                ],
            },
            new ListenerConfig { Name = "plain", Bind = new HostPort("127.0.0.1", 8081), Pool = "app" }));

        var web = Listener(json, "web");
        Assert.Equal("http", web.GetProperty("protocol").GetString());
        Assert.True(web.GetProperty("routed").GetBoolean());
        Assert.Equal(["api", "canary", "old", "ping", "default"], Names(web.GetProperty("routes")));
        var apiRow = Route(web, "api");
        Assert.Equal("pool", apiRow.GetProperty("action").GetString());
        Assert.Equal(["api"], Strings(apiRow.GetProperty("pools")));
        Assert.Equal(20, apiRow.GetProperty("requests").GetInt64());
        Assert.Equal(10, apiRow.GetProperty("rps").GetDouble(), 3);
        Assert.Equal(0.05, apiRow.GetProperty("errorRate").GetDouble(), 6);
        Assert.Equal(12, apiRow.GetProperty("meanMs").GetDouble(), 3);
        var canary = Route(web, "canary");
        Assert.Equal("split", canary.GetProperty("action").GetString());
        Assert.Equal(["v1", "v2"], Strings(canary.GetProperty("pools")));
        Assert.Equal("v1 95 / v2 5", canary.GetProperty("detail").GetString());
        Assert.Equal(0, canary.GetProperty("requests").GetInt64());
        Assert.Equal(JsonValueKind.Null, canary.GetProperty("rps").ValueKind);
        Assert.Equal("redirect", Route(web, "old").GetProperty("action").GetString());
        Assert.Equal("301 https://{host}/new", Route(web, "old").GetProperty("detail").GetString());
        Assert.Equal("respond", Route(web, "ping").GetProperty("action").GetString());
        Assert.Equal(["app"], Strings(Route(web, "default").GetProperty("pools")));
        Assert.True(Route(web, "default").GetProperty("implicit").GetBoolean());
        Assert.Equal(1, Route(web, "default").GetProperty("requests").GetInt64());

        // A listener with only pool: one implicit catch-all row, and not "routed" (the page shows no routes panel for it alone).
        var plain = Listener(json, "plain");
        Assert.False(plain.GetProperty("routed").GetBoolean());
        Assert.Equal(["default"], Names(plain.GetProperty("routes")));
    }

    [Fact]
    public void Snapshot_ListenerWithoutPool_UnmatchedRowOnlyOnceSomeWereUnmatched()
    {
        var time = new FakeTimeProvider(Start);
        var metrics = new TandemMetrics(time);
        var config = Config(new ListenerConfig
        {
            Name = "web", Bind = new HostPort("127.0.0.1", 8080), Pool = "api", HasDefaultPool = false,
            Routes = [new RouteConfig { Name = "api", Pool = "api" }],
        });
        var none = metrics.ForListener("web").ForRoute("none")!;
        metrics.Live.Tick();

        using (var before = Snapshot(metrics, config))
        {
            Assert.Equal(["api"], Names(Listener(before, "web").GetProperty("routes")));
        }
        none.RequestCompleted(404, 0.001);
        time.Advance(TimeSpan.FromSeconds(1));
        metrics.Live.Tick();

        using var after = Snapshot(metrics, config);
        var unmatched = Route(Listener(after, "web"), "none");
        Assert.Equal("404 no route matched", unmatched.GetProperty("detail").GetString());
        Assert.Equal(0, unmatched.GetProperty("errorRate").GetDouble());
    }

    [Fact]
    public void Snapshot_StreamListeners_OpenNewPerSecondBytesAndPools()
    {
        var time = new FakeTimeProvider(Start);
        var metrics = new TandemMetrics(time);
        var telemetry = new DataPlaneTelemetry(metrics);
        var redis = telemetry.ForStream("redis");
        metrics.Live.Tick();
        for (var i = 0; i < 4; i++)
        {
            redis.Opened();
        }
        redis.Ended(new StreamRecord { Protocol = "tcp", BytesIn = 1000, BytesOut = 3000, Client = new IPEndPoint(IPAddress.Loopback, 5000) });
        redis.Ended(new StreamRecord { Protocol = "tcp", Error = RequestError.ConnectFailed });
        time.Advance(TimeSpan.FromSeconds(2));
        metrics.Live.Tick();

        using var json = Snapshot(metrics, Config(
            new ListenerConfig { Name = "redis", Bind = new HostPort("127.0.0.1", 6380), Pool = "cache", Protocol = ListenerProtocol.Tcp, Stream = new StreamListenerConfig() },
            new ListenerConfig
            {
                Name = "sni", Bind = new HostPort("127.0.0.1", 8443), Pool = "", Protocol = ListenerProtocol.TlsPassthrough,
                Stream = new StreamListenerConfig { Routes = [new SniRouteConfig { Sni = "a.example", Pool = "a" }, new SniRouteConfig { Sni = "b.example", Pool = "b" }] },
            }));

        var row = Listener(json, "redis");
        Assert.Equal("tcp", row.GetProperty("protocol").GetString());
        Assert.Equal(["cache"], Strings(row.GetProperty("pools")));
        Assert.Equal(2, row.GetProperty("active").GetInt64());
        Assert.Equal(2, row.GetProperty("newPerSecond").GetDouble(), 3);
        Assert.Equal(500, row.GetProperty("bytesInPerSecond").GetDouble(), 3);
        Assert.Equal(1500, row.GetProperty("bytesOutPerSecond").GetDouble(), 3);
        Assert.Equal(4, row.GetProperty("connections").GetInt64());
        Assert.Equal(1, row.GetProperty("failed").GetInt64());
        var sni = Listener(json, "sni");
        Assert.Equal("tls-passthrough", sni.GetProperty("protocol").GetString());
        Assert.Equal(["a", "b"], Strings(sni.GetProperty("pools")));
        Assert.Equal(0, sni.GetProperty("connections").GetInt64());
    }

    [Fact]
    public void Rate_RouteOfAReloadedListener_KeepsCountingIntoTheSameSeries()
    {
        var time = new FakeTimeProvider(Start);
        var metrics = new TandemMetrics(time);
        metrics.ForListener("web").ForRoute("api")!.RequestCompleted(500, 0.01);
        metrics.Live.Tick();
        // The reload compiles the route again: a new telemetry object, the same counts.
        metrics.ForListener("web").ForRoute("api")!.RequestCompleted(200, 0.01);
        time.Advance(TimeSpan.FromSeconds(1));
        metrics.Live.Tick();

        var rate = metrics.Live.Rate("web", "api")!.Value;
        Assert.Equal(2, rate.Total);
        Assert.Equal(1, rate.Errors);
        Assert.Equal(1, rate.PerSecond, 6);
        Assert.Equal(0, rate.ErrorRate, 6);
    }

    private static TandemConfig Config(params ListenerConfig[] listeners) => new() { Listeners = listeners, Pools = [] };

    private static JsonDocument Snapshot(TandemMetrics metrics, TandemConfig config) =>
        JsonDocument.Parse(LiveJson.Snapshot(new PoolRegistry(metrics), metrics.Live, Start, config));

    private static JsonElement Listener(JsonDocument json, string name) =>
        json.RootElement.GetProperty("listeners").EnumerateArray().Single(l => l.GetProperty("name").GetString() == name);

    private static JsonElement Route(JsonElement listener, string name) =>
        listener.GetProperty("routes").EnumerateArray().Single(r => r.GetProperty("name").GetString() == name);

    private static string[] Names(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetProperty("name").GetString()!)];

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
