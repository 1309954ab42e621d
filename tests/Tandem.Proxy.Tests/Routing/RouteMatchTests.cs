using Tandem.Core.Config;
using Tandem.Testing;
using static Tandem.Proxy.Tests.Routing.RouteConfigs;

namespace Tandem.Proxy.Tests.Routing;

/// <summary>Which route serves a request: each kind of condition, the order, the fallback, through a real proxy.</summary>
public sealed class RouteMatchTests
{
    [Fact]
    public async Task Match_HostConditions_CaseTrailingDotAndPortIgnored()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: true,
            ToPool("api", "v2", new RouteMatch { Hosts = ["api.example.com"] }),
            ToPool("shops", "v2", new RouteMatch { Hosts = ["*.shop.example"] })));
        using var client = TestHttp.Client();

        Assert.Equal("b /x", await SendAsync(client, proxy.BaseAddress, "/x", host: "api.example.com"));
        Assert.Equal("b /x", await SendAsync(client, proxy.BaseAddress, "/x", host: "API.Example.COM:8080"));
        Assert.Equal("b /x", await SendAsync(client, proxy.BaseAddress, "/x", host: "api.example.com."));
        Assert.Equal("b /x", await SendAsync(client, proxy.BaseAddress, "/x", host: "eu.Shop.example"));
        Assert.Equal("a /x", await SendAsync(client, proxy.BaseAddress, "/x", host: "shop.example"));
        Assert.Equal("a /x", await SendAsync(client, proxy.BaseAddress, "/x", host: "www.example.com"));
        Assert.Equal("a /x", await SendAsync(client, proxy.BaseAddress, "/x", host: "api.example.com.evil"));
    }

    [Fact]
    public async Task Match_PathConditions_PrefixOnSegmentBoundariesExactAndRegex()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: true,
            ToPool("api", "v2", new RouteMatch { PathPrefix = "/api" }),
            ToPool("exact", "v2", new RouteMatch { PathExact = "/signin" }),
            ToPool("images", "v2", new RouteMatch { PathRegex = @"\.(png|jpg)$" })));
        using var client = TestHttp.Client();

        Assert.Equal("b /api", await SendAsync(client, proxy.BaseAddress, "/api"));
        Assert.Equal("b /api/v1/users", await SendAsync(client, proxy.BaseAddress, "/api/v1/users"));
        Assert.Equal("a /apix", await SendAsync(client, proxy.BaseAddress, "/apix"));
        Assert.Equal("b /signin", await SendAsync(client, proxy.BaseAddress, "/signin"));
        Assert.Equal("a /signin/x", await SendAsync(client, proxy.BaseAddress, "/signin/x"));
        Assert.Equal("b /img/cat.png", await SendAsync(client, proxy.BaseAddress, "/img/cat.png"));
        Assert.Equal("a /img/cat.gif", await SendAsync(client, proxy.BaseAddress, "/img/cat.gif"));
    }

    [Fact]
    public async Task Match_PathTricks_NormalizedBeforeMatching()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: true,
            ToPool("admin", "v2", new RouteMatch { PathPrefix = "/admin" })));
        using var client = TestHttp.Client();

        // Dot segments and percent-encodings are resolved by Kestrel, runs of '/' merged for matching: each of these
        // is /admin as far as routes (and the policies on them) are concerned. The doubled slash is forwarded as sent.
        Assert.Contains("b /admin/x", await RawGetAsync(proxy.BaseAddress, "/api/../admin/x"), StringComparison.Ordinal);
        Assert.Contains("b /admin/x", await RawGetAsync(proxy.BaseAddress, "/%61dmin/x"), StringComparison.Ordinal);
        Assert.Contains("b //admin/x", await RawGetAsync(proxy.BaseAddress, "//admin/x"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Match_MethodsHeadersAndQuery_AllMustHold()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: true,
            ToPool("writes", "v2", new RouteMatch { Methods = ["POST", "PUT"], PathPrefix = "/w" }),
            ToPool("canary", "v2", new RouteMatch { Headers = [new NamedValueMatch("X-Env", "canary", null)] }),
            ToPool("mobile", "v2", new RouteMatch { Headers = [new NamedValueMatch("User-Agent", null, "Mobile|Android")] }),
            ToPool("debug", "v2", new RouteMatch { Query = [new NamedValueMatch("debug", "1", null)], PathPrefix = "/q" })));
        using var client = TestHttp.Client();

        Assert.Equal("b /w", await SendAsync(client, proxy.BaseAddress, "/w", method: HttpMethod.Post));
        Assert.Equal("a /w", await SendAsync(client, proxy.BaseAddress, "/w"));
        Assert.Equal("b /x", await SendAsync(client, proxy.BaseAddress, "/x", headers: ("X-Env", "canary")));
        Assert.Equal("a /x", await SendAsync(client, proxy.BaseAddress, "/x", headers: ("X-Env", "Canary")));
        Assert.Equal("b /x", await SendAsync(client, proxy.BaseAddress, "/x", headers: ("User-Agent", "Foo/1.0 (Android 14)")));
        Assert.Equal("b /q?debug=1", await SendAsync(client, proxy.BaseAddress, "/q?debug=1"));
        Assert.Equal("a /q?debug=0", await SendAsync(client, proxy.BaseAddress, "/q?debug=0"));
        Assert.Equal("a /x?debug=1", await SendAsync(client, proxy.BaseAddress, "/x?debug=1"));
    }

    [Fact]
    public async Task Match_OverlappingRoutes_FirstWrittenWins()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: false,
            ToPool("v1-api", "app", new RouteMatch { PathPrefix = "/api/v1" }),
            ToPool("api", "v2", new RouteMatch { PathPrefix = "/api", Hosts = ["example.com"] }),
            ToPool("any-api", "app", new RouteMatch { PathPrefix = "/api" })));
        using var client = TestHttp.Client();

        Assert.Equal("a /api/v1/x", await SendAsync(client, proxy.BaseAddress, "/api/v1/x", host: "example.com"));
        Assert.Equal("b /api/v2/x", await SendAsync(client, proxy.BaseAddress, "/api/v2/x", host: "example.com"));
        Assert.Equal("a /api/v2/x", await SendAsync(client, proxy.BaseAddress, "/api/v2/x", host: "other.example"));
    }

    [Fact]
    public async Task Match_NothingMatchesAndNoPool_Tandem404()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: false, ToPool("api", "v2", new RouteMatch { PathPrefix = "/api" })),
            new AccessLogConfig { Path = "access.log", Format = AccessLogFormat.Json });
        using var client = TestHttp.Client();

        using var response = await client.GetAsync(new Uri(proxy.BaseAddress, "/other"));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("404 Not Found: no route matches this request.\n", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, a.Requests + b.Requests);
        var entry = (await proxy.LogEntriesAsync(1))[0];
        Assert.Equal("-", entry.GetProperty("pool").GetString());
    }

    [Fact]
    public async Task Reload_RoutesChange_NextRequestFollowsTheNewTable()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: true, ToPool("api", "v2", new RouteMatch { PathPrefix = "/api" })));
        using var client = TestHttp.Client();
        Assert.Equal("b /api", await SendAsync(client, proxy.BaseAddress, "/api"));

        await proxy.Runtime.ApplyAsync(With(a, b, defaultPool: true, ToPool("api", "app", new RouteMatch { PathPrefix = "/api" }),
            ToPool("web", "v2", new RouteMatch { PathPrefix = "/web" })), CancellationToken.None);

        Assert.Equal("a /api", await SendAsync(client, proxy.BaseAddress, "/api"));
        Assert.Equal("b /web", await SendAsync(client, proxy.BaseAddress, "/web"));
    }

    /// <summary>A GET with the request target written byte for byte (HttpClient would normalize it).</summary>
    private static async Task<string> RawGetAsync(Uri proxy, string target)
    {
        var reply = await RawHttp.ExchangeAsync(proxy, RawHttp.Bytes($"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        var body = reply.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return body < 0 ? reply : reply[(body + 4)..];
    }
}
