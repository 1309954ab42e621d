using System.Globalization;
using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Observability.Metrics;
using Tandem.Proxy.Forwarding;
using Tandem.Proxy.Routing;

namespace Tandem.Benchmarks;

/// <summary>
/// The match stage alone (<see cref="RouteTable.Match"/>) on a listener of <see cref="Routes"/> routes, for the
/// request the last route takes (the worst case of a table tried in order): by path prefix (<c>/svc{i}</c>, as
/// <c>peers.sh</c> with <c>ROUTES=N</c>), and by host (<c>site{i}.example</c>, the indexed lookup). Must allocate nothing.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class RouteBenchmarks : IDisposable
{
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler());
    private RouteTable _byPath = null!;
    private RouteTable _byHost = null!;
    private HttpRequest _pathRequest = null!;
    private HttpRequest _hostRequest = null!;

    [Params(1, 10, 100)]
    public int Routes { get; set; } = 10;

    [GlobalSetup]
    public void Setup()
    {
        var config = new PoolConfig { Name = "app", Algorithm = BalancingAlgorithms.RoundRobin, Servers = [new() { Name = "a", Address = new HostPort("127.0.0.1", 9001) }] };
        var pool = new PoolRegistry(new TandemMetrics()).Apply([config])["app"];
        var targets = new Dictionary<string, PoolTarget> { ["app"] = new PoolTarget(pool, _client, UpstreamSettings.From(config)) };
        var byPath = new RouteConfig[Routes];
        var byHost = new RouteConfig[Routes];
        for (var i = 0; i < Routes; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            byPath[i] = new RouteConfig { Name = "p" + n, Pool = "app", Match = new RouteMatch { PathPrefix = "/svc" + n } };
            byHost[i] = new RouteConfig { Name = "h" + n, Pool = "app", Match = new RouteMatch { Hosts = ["site" + n + ".example"], PathPrefix = "/api" } };
        }
        var listener = new ListenerConfig { Name = "web", Bind = new HostPort("127.0.0.1", 0), Pool = "app" };
        _byPath = RouteTable.For(listener with { Routes = byPath }, targets);
        _byHost = RouteTable.For(listener with { Routes = byHost }, targets);
        var last = (Routes - 1).ToString(CultureInfo.InvariantCulture);
        _pathRequest = Request("shop.example", "/svc" + last + "/items/42");
        _hostRequest = Request("Site" + last + ".example:8080", "/api/items/42");
    }

    [Benchmark]
    public object MatchByPath() => _byPath.Match(_pathRequest);

    [Benchmark]
    public object MatchByHost() => _byHost.Match(_hostRequest);

    public void Dispose()
    {
        _client.Dispose();
        GC.SuppressFinalize(this);
    }

    private static HttpRequest Request(string host, string path)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = HttpMethods.Get;
        http.Request.Path = path;
        http.Request.Headers.Host = host;
        http.Connection.RemoteIpAddress = IPAddress.Loopback;
        return http.Request;
    }
}
