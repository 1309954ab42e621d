using System.Net;
using System.Text.Json;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;
using static Tandem.Proxy.Tests.Routing.RouteConfigs;

namespace Tandem.Proxy.Tests.Routing;

/// <summary><c>header-routing</c> through a real proxy: a trusted caller picks the pool, the server or the weights; others are not obeyed.</summary>
public sealed class HeaderRoutingTests
{
    private static readonly HeaderRoutingConfig Loopback = Headers(IPNetwork.Parse("127.0.0.0/8"));

    private static HeaderRoutingConfig Headers(params IPNetwork[] from) =>
        new() { PoolHeader = "X-Backend", ServerHeader = "X-Server-Pick", WeightHeader = "X-Weight", From = from };

    /// <summary>Listener "web" (pool "app": a and b; pool "v2": c) with <paramref name="listener"/>'s header routing.</summary>
    private static TandemConfig Config(TestBackend a, TestBackend b, TestBackend c, HeaderRoutingConfig? listener, IReadOnlyList<IPNetwork>? trusted = null,
        params RouteConfig[] routes) => new()
    {
        Listeners =
        [
            new ListenerConfig
            {
                Name = "web", Bind = new HostPort("127.0.0.1", 0), Pool = "app", HeaderRouting = listener, TrustedProxies = trusted,
                Routes = routes.Length == 0 ? null : routes,
            },
        ],
        Pools =
        [
            new PoolConfig { Name = "app", Algorithm = BalancingAlgorithms.RoundRobin, Servers = [a.ServerConfig(), b.ServerConfig()] },
            new PoolConfig { Name = "v2", Algorithm = BalancingAlgorithms.RoundRobin, Servers = [c.ServerConfig()] },
        ],
        Version = "test",
    };

    private static async Task<List<string>> ServedByAsync(ProxyHarness proxy, int requests, params (string Name, string Value)[] headers)
    {
        var served = new List<string>();
        for (var i = 0; i < requests; i++)
        {
            served.Add(await SendAsync(proxy.Client, proxy.BaseAddress, "/", headers: headers));
        }
        return served;
    }

    [Fact]
    public async Task HeaderRouting_TrustedCaller_PicksPoolAndServer()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var c = await TestBackend.StartAsync("c");
        await using var proxy = await ProxyHarness.StartAsync(Config(a, b, c, Loopback));

        Assert.All(await ServedByAsync(proxy, 4, ("X-Backend", "v2")), s => Assert.Equal("c", s));
        Assert.All(await ServedByAsync(proxy, 6, ("X-Server-Pick", "b")), s => Assert.Equal("b", s));
        Assert.All(await ServedByAsync(proxy, 2, ("X-Backend", "v2"), ("X-Server-Pick", "c")), s => Assert.Equal("c", s));
        // Unknown names leave the request to the route's own balancing: a and b in turn.
        Assert.Equal(["a", "b"], (await ServedByAsync(proxy, 2, ("X-Backend", "nope"), ("X-Server-Pick", "zed"))).Order());
    }

    [Fact]
    public async Task HeaderRouting_WeightHeader_ZeroFactorLeavesAServerOut()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var c = await TestBackend.StartAsync("c");
        await using var proxy = await ProxyHarness.StartAsync(Config(a, b, c, Loopback));

        Assert.All(await ServedByAsync(proxy, 10, ("X-Weight", "a=0")), s => Assert.Equal("b", s));
        Assert.All(await ServedByAsync(proxy, 10, ("X-Weight", "a=1, b=0")), s => Assert.Equal("a", s));
    }

    [Fact]
    public async Task HeaderRouting_WeightHeader_ScalesTheShares()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var c = await TestBackend.StartAsync("c");
        await using var proxy = await ProxyHarness.StartAsync(Config(a, b, c, Loopback));

        var served = await ServedByAsync(proxy, 400, ("X-Weight", "a=3"));

        // a is drawn with 3/4: 300 of 400 expected, with a standard deviation near 9; 240..360 is beyond six of them.
        Assert.InRange(served.Count(s => s == "a"), 240, 360);
        Assert.Equal(400, served.Count(s => s is "a" or "b"));
    }

    [Fact]
    public async Task HeaderRouting_CallerOutsideFrom_HeadersDroppedNotObeyed()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var c = await TestBackend.StartAsync("c");
        await using var proxy = await ProxyHarness.StartAsync(Config(a, b, c, Headers(IPNetwork.Parse("10.0.0.0/8"))));

        var served = await ServedByAsync(proxy, 4, ("X-Backend", "v2"), ("X-Server-Pick", "b"));
        var seen = await SendAsync(proxy.Client, proxy.BaseAddress, "/headers", headers: [("X-Backend", "v2"), ("X-Server-Pick", "b"), ("X-Weight", "a=0")]);

        Assert.Equal(["a", "a", "b", "b"], served.Order());
        Assert.Equal(0, c.Requests);
        var forwarded = JsonSerializer.Deserialize<Dictionary<string, string>>(seen)!;
        Assert.DoesNotContain("X-Backend", forwarded.Keys, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("X-Server-Pick", forwarded.Keys, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("X-Weight", forwarded.Keys, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task HeaderRouting_BehindTrustedProxy_ClientFromForwardedForDecides()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var c = await TestBackend.StartAsync("c");
        await using var proxy = await ProxyHarness.StartAsync(Config(a, b, c, Headers(IPNetwork.Parse("203.0.113.0/24")), [IPNetwork.Parse("127.0.0.0/8")]));

        var inside = await ServedByAsync(proxy, 2, ("X-Backend", "v2"), ("X-Forwarded-For", "203.0.113.7"));
        var outside = await ServedByAsync(proxy, 2, ("X-Backend", "v2"), ("X-Forwarded-For", "198.51.100.1"));

        Assert.Equal(["c", "c"], inside);
        Assert.Equal(["a", "b"], outside.Order());
    }

    [Fact]
    public async Task HeaderRouting_RouteOwnSetting_ReplacesTheListeners()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var c = await TestBackend.StartAsync("c", anyPath: true);
        var closed = ToPool("closed", "app", new RouteMatch { PathPrefix = "/closed" }) with { HeaderRouting = Headers(IPNetwork.Parse("10.0.0.0/8")) };
        var open = ToPool("open", "app", new RouteMatch { PathPrefix = "/open" });
        await using var proxy = await ProxyHarness.StartAsync(Config(a, b, c, Loopback, null, closed, open));

        var onClosed = await SendAsync(proxy.Client, proxy.BaseAddress, "/closed", headers: ("X-Backend", "v2"));
        var onOpen = await SendAsync(proxy.Client, proxy.BaseAddress, "/open", headers: ("X-Backend", "v2"));

        Assert.NotEqual("c /closed", onClosed);
        Assert.Equal("c /open", onOpen);
        var samples = await proxy.ScrapeAsync();
        Assert.Equal(1, samples["""tandem_route_requests_total{listener="web",route="open",code="2xx"}"""]);
    }
}
