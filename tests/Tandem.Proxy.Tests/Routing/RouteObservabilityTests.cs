using Tandem.Core.Config;
using Tandem.Testing;
using static Tandem.Proxy.Tests.Routing.RouteConfigs;

namespace Tandem.Proxy.Tests.Routing;

/// <summary>The route a request matched, as the metrics and the access log show it, through a real proxy.</summary>
public sealed class RouteObservabilityTests
{
    private static RouteConfig[] Routes() =>
    [
        ToPool("api", "v2", new RouteMatch { PathPrefix = "/api" }),
        new RouteConfig { Name = "health", Match = new RouteMatch { PathExact = "/healthz" }, Respond = new RespondConfig { Body = "ok" } },
    ];

    [Fact]
    public async Task Metrics_RequestsOfThreeRoutes_CountedByRouteNameAndStatusClass()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: true, Routes()));

        Assert.Equal("b /api/x", await SendAsync(proxy.Client, proxy.BaseAddress, "/api/x"));
        Assert.Equal("b /api/y", await SendAsync(proxy.Client, proxy.BaseAddress, "/api/y"));
        Assert.Equal("ok", await SendAsync(proxy.Client, proxy.BaseAddress, "/healthz"));
        Assert.Equal("a /other", await SendAsync(proxy.Client, proxy.BaseAddress, "/other"));

        var samples = await proxy.ScrapeAsync();
        Assert.Equal(2, samples["""tandem_route_requests_total{listener="web",route="api",code="2xx"}"""]);
        Assert.Equal(1, samples["""tandem_route_requests_total{listener="web",route="health",code="2xx"}"""]);
        Assert.Equal(1, samples["""tandem_route_requests_total{listener="web",route="default",code="2xx"}"""]);
        Assert.Equal(2, samples["""tandem_route_request_duration_seconds_count{listener="web",route="api"}"""]);
        // Only config names are labels: a path never becomes a series.
        Assert.DoesNotContain(samples.Keys, k => k.Contains("/api", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_Disabled_NoRouteSeries()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: true, Routes()), metrics: new MetricsConfig { Enabled = false });

        Assert.Equal("b /api/x", await SendAsync(proxy.Client, proxy.BaseAddress, "/api/x"));

        var samples = await proxy.ScrapeAsync();
        Assert.DoesNotContain(samples.Keys, k => k.StartsWith("tandem_route_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AccessLog_Json_EachLineNamesItsRoute()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: false, Routes()), new AccessLogConfig { Path = "access.log" });

        await SendAsync(proxy.Client, proxy.BaseAddress, "/api/x");
        await SendAsync(proxy.Client, proxy.BaseAddress, "/healthz");
        await SendAsync(proxy.Client, proxy.BaseAddress, "/nowhere");

        var lines = await proxy.LogEntriesAsync(3);
        Assert.Equal(["api", "health", "none"], lines.Select(l => l.GetProperty("route").GetString()));
        Assert.Equal([200, 200, 404], lines.Select(l => l.GetProperty("status").GetInt32()));
    }

    [Fact]
    public async Task AccessLog_Combined_RouteQuotedAfterTheUserAgent()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: true, Routes()),
            new AccessLogConfig { Path = "access.log", Format = AccessLogFormat.Combined });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(proxy.BaseAddress, "/api/x"));
        request.Headers.UserAgent.ParseAdd("probe/1.0");

        (await proxy.Client.SendAsync(request)).Dispose();

        var line = Assert.Single(await proxy.LogLinesAsync(1));
        Assert.EndsWith("\"GET /api/x HTTP/1.1\" 200 8 \"-\" \"probe/1.0\" \"api\"", line);
    }
}
