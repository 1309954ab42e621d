using System.Globalization;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Proxy.Forwarding;
using Tandem.Proxy.Routing;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Routing;

/// <summary>The compiled route table on its own: the host index against the written order, and what a match costs.</summary>
public sealed class RouteTableTests : IDisposable
{
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler());
    private readonly Dictionary<string, PoolTarget> _targets;

    public RouteTableTests()
    {
        var config = new PoolConfig { Name = "app", Algorithm = BalancingAlgorithms.RoundRobin, Servers = [new() { Name = "a", Address = new HostPort("127.0.0.1", 9001) }] };
        var pool = new PoolRegistry(NullServerTelemetry.Instance).Apply([config])["app"];
        _targets = new Dictionary<string, PoolTarget> { ["app"] = new PoolTarget(pool, _client, UpstreamSettings.From(config)) };
    }

    [Fact]
    public void Match_ExactWildcardAndHostlessRules_WrittenOrderKeptForEveryHost()
    {
        var table = Table(
            Route("wild-api", new RouteMatch { Hosts = ["*.example.com"], PathPrefix = "/api" }),
            Route("exact", new RouteMatch { Hosts = ["www.example.com"] }),
            Route("any-static", new RouteMatch { PathPrefix = "/static" }),
            Route("wild", new RouteMatch { Hosts = ["*.example.com"] }));

        Assert.Equal("wild-api", table.Match(Request("www.example.com", "/api/x")).Name);
        Assert.Equal("exact", table.Match(Request("WWW.example.com:443", "/static/x")).Name);
        Assert.Equal("any-static", table.Match(Request("shop.example.com", "/static/x")).Name);
        Assert.Equal("wild", table.Match(Request("shop.example.com.", "/x")).Name);
        Assert.Equal("none", table.Match(Request("example.com", "/x")).Name);
        Assert.Equal("any-static", table.Match(Request("[::1]:8080", "/static")).Name);
        Assert.Equal("none", table.Match(Request("", "/x")).Name);
    }

    [Fact]
    public void Match_HundredRoutes_AllocatesNothing()
    {
        var routes = new RouteConfig[100];
        for (var i = 0; i < routes.Length; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            routes[i] = i % 2 == 0
                ? Route("p" + n, new RouteMatch { PathPrefix = "/svc" + n, Methods = ["GET"], Headers = [new NamedValueMatch("X-Env", null, "^prod")] })
                : Route("h" + n, new RouteMatch { Hosts = ["site" + n + ".example", "*.site" + n + ".example"], PathRegex = "^/api/" });
        }
        var table = Table(routes);
        var byPath = Request("shop.example", "/svc98/items");
        byPath.Headers["X-Env"] = "production";
        var byHost = Request("eu.site99.example", "/api/items");
        Assert.Equal("p98", table.Match(byPath).Name);
        Assert.Equal("h99", table.Match(byHost).Name);

        var allocated = AllocationMeter.BytesAllocated(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                table.Match(byPath);
                table.Match(byHost);
            }
        });

        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("//admin", "/admin")]
    [InlineData("/a///b//", "/a/b/")]
    [InlineData("/a/b", "/a/b")]
    public void MatchPath_RunsOfSlashes_Merged(string path, string expected) => Assert.Equal(expected, RouteTable.MatchPath(path));

    public void Dispose() => _client.Dispose();

    private RouteTable Table(params RouteConfig[] routes) =>
        RouteTable.For(new ListenerConfig { Name = "web", Bind = new HostPort("127.0.0.1", 0), Pool = "app", Routes = routes, HasDefaultPool = false }, _targets);

    private static RouteConfig Route(string name, RouteMatch match) => new() { Name = name, Pool = "app", Match = match };

    private static HttpRequest Request(string host, string path)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = HttpMethods.Get;
        http.Request.Path = path;
        http.Request.Headers.Host = host;
        return http.Request;
    }
}
