using System.Net;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Config.Policies;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Proxy.Forwarding;
using Tandem.Proxy.Routing;

namespace Tandem.Proxy.Tests.Routing;

/// <summary>The route explanation over a compiled table: the route <see cref="RouteTable.Match"/> picks, and each earlier route's failed conditions.</summary>
public sealed class RouteExplainerTests : IDisposable
{
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler());
    private readonly Dictionary<string, PoolTarget> _targets = [];

    public RouteExplainerTests()
    {
        var configs = new[] { Pool("app"), Pool("v1"), Pool("v2"), Pool("sticky") with { Sticky = new StickyConfig() } };
        var pools = new PoolRegistry(NullServerTelemetry.Instance).Apply(configs);
        foreach (var config in configs)
        {
            _targets[config.Name] = new PoolTarget(pools[config.Name], _client, UpstreamSettings.From(config));
        }
    }

    private static PoolConfig Pool(string name) => new()
    {
        Name = name, Algorithm = BalancingAlgorithms.RoundRobin, Servers = [new() { Name = "a", Address = new HostPort("127.0.0.1", 9001) }],
    };

    private static readonly RouteConfig[] Routes =
    [
        new()
        {
            Name = "api", Line = 10, Pool = "v1", Policies = ["staff"],
            Match = new RouteMatch
            {
                Hosts = ["api.example.com", "*.api.example.com"], PathPrefix = "/v1", Methods = ["GET", "POST"],
                Headers = [new NamedValueMatch("X-Env", "canary", null)],
                Query = [new NamedValueMatch("beta", "1", null)],
            },
        },
        new() { Name = "login", Line = 20, Match = new RouteMatch { PathExact = "/login" }, Respond = new RespondConfig { Status = 204, Body = "" } },
        new() { Name = "old", Line = 24, Match = new RouteMatch { PathRegex = "^/old/" }, Redirect = new RedirectConfig { To = "https://{host}/new", Status = 301 } },
        new() { Name = "ua", Line = 28, Pool = "app", Match = new RouteMatch { Headers = [new NamedValueMatch("User-Agent", null, "Mobile")] } },
        new() { Name = "canary", Line = 31, Match = new RouteMatch { PathPrefix = "/shop" }, Split = [new SplitTarget("v1", 95), new SplitTarget("sticky", 5)] },
        new()
        {
            Name = "edge", Line = 40, Pool = "v2", Match = new RouteMatch { PathPrefix = "/edge" },
            HeaderRouting = new HeaderRoutingConfig { PoolHeader = "X-Backend", ServerHeader = "X-Server", From = [IPNetwork.Parse("10.0.0.0/8")] },
        },
    ];

    private RouteExplanation Explain(string host, string path, string method = "GET", (string, string)[]? headers = null, (string, string)[]? query = null,
        bool defaultPool = true, IReadOnlyList<string>? listenerPolicy = null, DefaultPolicy defaultPolicy = DefaultPolicy.Allow)
    {
        var listener = new ListenerConfig
        {
            Name = "web", Bind = new HostPort("127.0.0.1", 0), Pool = "app", Routes = Routes, HasDefaultPool = defaultPool, Policy = listenerPolicy ?? ["office"],
        };
        var table = RouteTable.For(listener, _targets);
        var explanation = RouteExplainer.Explain(listener, table,
            new RouteQuery("web", host, path, method, Pairs(headers), Pairs(query)), defaultPolicy);
        // The explanation names the route the table itself matches for the same request.
        Assert.Equal(Matched(table, host, path, method, headers, query), explanation.Route.Name);
        return explanation;
    }

    private static KeyValuePair<string, string>[] Pairs((string Name, string Value)[]? pairs) =>
        pairs is null ? [] : Array.ConvertAll(pairs, p => new KeyValuePair<string, string>(p.Name, p.Value));

    private static string Matched(RouteTable table, string host, string path, string method, (string Name, string Value)[]? headers,
        (string Name, string Value)[]? query)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        // What Kestrel hands over for the path as sent: decoded, dot segments resolved.
        http.Request.Path = RequestTargetPath.Normalize(path);
        http.Request.Headers.Host = host;
        foreach (var (name, value) in headers ?? [])
        {
            http.Request.Headers.Append(name, value);
        }
        http.Request.QueryString = QueryString.Create(Array.ConvertAll(query ?? [], p => new KeyValuePair<string, string?>(p.Name, p.Value)));
        return table.Match(http.Request).Name;
    }

    [Fact]
    public void Explain_EveryConditionHolds_FirstRouteWithItsPoolAndPolicies()
    {
        var explanation = Explain("API.example.com:443", "/v1/users", "post", [("X-Env", "canary")], [("beta", "1")]);

        Assert.True(explanation.Matched);
        Assert.Equal("API.example.com", explanation.Host);
        Assert.Equal("POST", explanation.Method.ToUpperInvariant());
        Assert.Equal(new RouteVerdict("api", 10, new RouteAction("pool", Pool: "v1"), ["office", "staff"]), explanation.Route, RouteVerdictComparer.Instance);
        Assert.Empty(explanation.Skipped);
    }

    [Fact]
    public void Explain_ApiRouteFailsEverything_EachConditionNamedWithTheRequestsValue()
    {
        var explanation = Explain("www.example.com", "/v2", "DELETE", [("X-Env", "prod")]);

        var api = explanation.Skipped[0];
        Assert.Equal(("api", 10), (api.Name, api.Line));
        Assert.Equal(
        [
            new RouteConditionMiss("host", "host 'www.example.com' is not one of [api.example.com, *.api.example.com]"),
            new RouteConditionMiss("path", "path '/v2' is not '/v1' or under it"),
            new RouteConditionMiss("methods", "method 'DELETE' is not one of [GET, POST]"),
            new RouteConditionMiss("headers", "header 'X-Env' is 'prod', not 'canary'"),
            new RouteConditionMiss("query", "query parameter 'beta' is missing"),
        ], api.Failed);
    }

    [Fact]
    public void Explain_NoRouteMatches_ListenerPoolAndEveryRouteSkipped()
    {
        var explanation = Explain("www.example.com", "/elsewhere", headers: [("User-Agent", "curl/8")]);

        Assert.False(explanation.Matched);
        Assert.Equal("default", explanation.Route.Name);
        Assert.Null(explanation.Route.Line);
        Assert.Equal(new RouteAction("pool", Pool: "app"), explanation.Route.Action);
        Assert.Equal(["office"], explanation.Route.Policies);
        Assert.Equal(["api", "login", "old", "ua", "canary", "edge"], explanation.Skipped.Select(s => s.Name));
        Assert.Equal(new RouteConditionMiss("path-exact", "path '/elsewhere' is not '/login'"), explanation.Skipped[1].Failed.Single());
        Assert.Equal(new RouteConditionMiss("path-regex", "path '/elsewhere' does not match '^/old/'"), explanation.Skipped[2].Failed.Single());
        Assert.Equal(new RouteConditionMiss("headers", "header 'User-Agent' is 'curl/8', which does not match 'Mobile'"), explanation.Skipped[3].Failed.Single());
        Assert.Equal(new RouteConditionMiss("path", "path '/elsewhere' is not '/shop' or under it"), explanation.Skipped[4].Failed.Single());
    }

    [Fact]
    public void Explain_NoRouteMatchesWithoutDefaultPool_None404()
    {
        var explanation = Explain("www.example.com", "/elsewhere", defaultPool: false);

        Assert.Equal("none", explanation.Route.Name);
        Assert.Equal(new RouteAction("respond", Status: 404), explanation.Route.Action);
    }

    [Fact]
    public void Explain_RespondRedirectAndSplit_ActionsDescribed()
    {
        Assert.Equal(new RouteAction("respond", Status: 204), Explain("x.example", "/login").Route.Action);
        Assert.Equal(new RouteAction("redirect", To: "https://{host}/new", Status: 301), Explain("x.example", "/old/page").Route.Action);

        var split = Explain("x.example", "//shop//cart");

        Assert.Equal("/shop/cart", split.Path);
        Assert.Equal("split", split.Route.Action.Kind);
        Assert.Equal([new RouteSplitSide("v1", 95), new RouteSplitSide("sticky", 5)], split.Route.Action.Split!);
        // A side's pool is sticky: the split keeps a client on its side by address.
        Assert.Equal("ip", split.Route.Action.SplitKey);
    }

    [Fact]
    public void Explain_PathAsSent_DecodedAndResolvedAsKestrelWould()
    {
        // "/old/../shop/%63art" reaches the routes as "/shop/cart": the canary split serves it, not the "old" redirect.
        var explanation = Explain("x.example", "/old/../shop/%63art");

        Assert.Equal("/shop/cart", explanation.Path);
        Assert.Equal("/old/../shop/%63art", explanation.RequestPath);
        Assert.Equal("canary", explanation.Route.Name);
        Assert.Null(Explain("x.example", "/shop/cart").RequestPath);
        // An encoded '/' stays encoded: "/shop%2Fcart" is not under "/shop".
        Assert.Equal("default", Explain("x.example", "/shop%2Fcart").Route.Name);
    }

    [Theory]
    [InlineData("/a/b", "/a/b")]
    [InlineData("/a//../b", "/a/b")]
    [InlineData("/a/./b/../c", "/a/c")]
    [InlineData("/../a", "/a")]
    [InlineData("/a/..", "/")]
    [InlineData("/a/.", "/a/")]
    [InlineData("/%2e%2E/admin", "/admin")]
    [InlineData("/%61dmin", "/admin")]
    [InlineData("/a%2Fb", "/a%2Fb")]
    [InlineData("/a/%zz", "/a/%zz")]
    [InlineData("/caf%C3%A9", "/café")]
    public void Normalize_PathAsSent_AsKestrelHandsItOver(string sent, string expected) =>
        Assert.Equal(expected, RequestTargetPath.Normalize(sent));

    [Fact]
    public void Explain_NoPolicyNamed_DefaultPolicyShown()
    {
        var open = Explain("x.example", "/login", listenerPolicy: []);
        var closed = Explain("x.example", "/login", listenerPolicy: [], defaultPolicy: DefaultPolicy.Deny);
        var named = Explain("x.example", "/login", defaultPolicy: DefaultPolicy.Deny);

        Assert.Equal(("allow", "deny"), (open.Route.DefaultPolicy, closed.Route.DefaultPolicy));
        // A route whose requests pass named policies is not subject to the default.
        Assert.Equal(["office"], named.Route.Policies);
        Assert.Null(named.Route.DefaultPolicy);
    }

    [Fact]
    public void Explain_HeaderRouting_WhoMaySteerAndWithWhichHeaders()
    {
        var explanation = Explain("x.example", "/edge/a");

        Assert.Equal("edge", explanation.Route.Name);
        var steering = explanation.Route.HeaderRouting!;
        Assert.Equal(("X-Backend", "X-Server", (string?)null), (steering.PoolHeader, steering.ServerHeader, steering.WeightHeader));
        Assert.Equal(["10.0.0.0/8"], steering.From);
        Assert.Null(Explain("x.example", "/login").Route.HeaderRouting);
    }

    public void Dispose() => _client.Dispose();

    private sealed class RouteVerdictComparer : IEqualityComparer<RouteVerdict>
    {
        public static readonly RouteVerdictComparer Instance = new();

        public bool Equals(RouteVerdict? x, RouteVerdict? y) =>
            x is not null && y is not null && x.Name == y.Name && x.Line == y.Line && x.Action == y.Action && x.Policies.SequenceEqual(y.Policies);

        public int GetHashCode(RouteVerdict obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
