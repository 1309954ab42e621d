using System.Globalization;
using System.Net;
using System.Text.Json;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Hosting;

/// <summary><c>GET /api/explain?listener=...</c> on a running node started from a config file: routes with their lines in that file.</summary>
public sealed class RouteExplainNodeTests
{
    /// <summary>Route <c>api</c> on line 6, <c>health</c> on line 14, <c>old</c> on line 17, <c>shop</c> on line 20.</summary>
    private static string Yaml(int port, int adminPort, TestBackend a) => string.Create(CultureInfo.InvariantCulture, $"""
        listeners:
          - name: web
            bind: 127.0.0.1:{port}
            pool: app
            routes:
              - name: api
                match:
                  host: [api.example.com]
                  path: /v1
                  methods: [GET]
                  headers: {"{"} X-Env: canary {"}"}
                pool: app
                policy: open
              - name: health
                match: {"{"} path-exact: /healthz {"}"}
                respond: {"{"} status: 200, body: ok {"}"}
              - name: old
                match: {"{"} path-regex: "^/old/" {"}"}
                redirect: {"{"} to: "https://{"{"}host{"}"}/new", status: 301 {"}"}
              - name: shop
                match: {"{"} path: /shop {"}"}
                split: [ {"{"} pool: app, weight: 90 {"}"}, {"{"} pool: app2, weight: 10 {"}"} ]
        admin:
          bind: 127.0.0.1:{adminPort}
        policies:
          - name: open
            allow: [0.0.0.0/0]
        pools:
          - name: app
            servers:
              - name: a
                address: 127.0.0.1:{a.Port}
          - name: app2
            servers:
              - name: a2
                address: 127.0.0.1:{a.Port}

        """);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(NodeHarness node, string query)
    {
        using var client = TestHttp.Client(TimeSpan.FromSeconds(10));
        using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{node.AdminPort}/api/explain?{query}"));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, document.RootElement.Clone());
    }

    [Fact]
    public async Task ExplainRoute_MatchingRoute_NamesItsLineActionAndPolicies()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var node = await NodeHarness.StartAsync((port, admin) => Yaml(port, admin, a));

        var (status, body) = await GetAsync(node, "listener=web&host=api.example.com:8443&path=/v1/users&header.X-Env=canary");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("matched").GetBoolean());
        var route = body.GetProperty("route");
        Assert.Equal("api", route.GetProperty("name").GetString());
        Assert.Equal(6, route.GetProperty("line").GetInt32());
        Assert.Equal("pool", route.GetProperty("action").GetProperty("kind").GetString());
        Assert.Equal("app", route.GetProperty("action").GetProperty("pool").GetString());
        Assert.Equal(["open"], route.GetProperty("policies").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(0, body.GetProperty("skipped").GetArrayLength());
    }

    [Fact]
    public async Task ExplainRoute_LaterRoute_EarlierOnesSayWhichConditionFailed()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var node = await NodeHarness.StartAsync((port, admin) => Yaml(port, admin, a));

        var (status, body) = await GetAsync(node, "listener=web&host=www.example.com&path=/shop/cart&method=post");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("POST", body.GetProperty("method").GetString());
        var route = body.GetProperty("route");
        Assert.Equal(("shop", 20), (route.GetProperty("name").GetString(), route.GetProperty("line").GetInt32()));
        Assert.Equal("split", route.GetProperty("action").GetProperty("kind").GetString());
        Assert.Equal(2, route.GetProperty("action").GetProperty("split").GetArrayLength());
        var skipped = body.GetProperty("skipped").EnumerateArray().ToArray();
        Assert.Equal(["api", "health", "old"], skipped.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal([6, 14, 17], skipped.Select(s => s.GetProperty("line").GetInt32()));
        Assert.Equal(["host", "path", "methods", "headers"], skipped[0].GetProperty("failed").EnumerateArray().Select(f => f.GetProperty("condition").GetString()));
        Assert.Equal("path-exact", skipped[1].GetProperty("failed")[0].GetProperty("condition").GetString());
        Assert.Equal("path '/shop/cart' does not match '^/old/'", skipped[2].GetProperty("failed")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ExplainRoute_NothingMatches_ListenerPool()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var node = await NodeHarness.StartAsync((port, admin) => Yaml(port, admin, a));

        var (_, body) = await GetAsync(node, "listener=web&host=x.example&path=/");

        Assert.False(body.GetProperty("matched").GetBoolean());
        Assert.Equal("default", body.GetProperty("route").GetProperty("name").GetString());
        Assert.False(body.GetProperty("route").TryGetProperty("line", out _));
        Assert.Equal(4, body.GetProperty("skipped").GetArrayLength());
    }

    [Theory]
    [InlineData("listener=nope&host=x&path=/", 404, "no http listener named 'nope'")]
    [InlineData("listener=web&path=/", 400, "query parameter 'host' is required, e.g. /api/explain?listener=web&host=example.com&path=/")]
    [InlineData("listener=web", 400, "query parameters 'host', 'path' are required, e.g. /api/explain?listener=web&host=example.com&path=/")]
    [InlineData("listener=web&host=x&path=shop", 400, "path must start with '/', got 'shop'")]
    [InlineData("listener=web&host=x&path=/&header:X-Env=canary", 400,
        "unknown query parameter 'header:X-Env': give listener, host, path, method, client, header.NAME, query.NAME or cert.subject, cert.san, cert.fingerprint")]
    [InlineData("listener=web&host=x&path=/&client=10.0.0.300", 400, "client must be an IPv4 or IPv6 address, got '10.0.0.300'")]
    public async Task ExplainRoute_BadQuery_ClearError(string query, int expectedStatus, string message)
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var node = await NodeHarness.StartAsync((port, admin) => Yaml(port, admin, a));

        var (status, body) = await GetAsync(node, query);

        Assert.Equal(expectedStatus, (int)status);
        Assert.Equal(message, body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ExplainRoute_Access_WouldThisRequestBeAllowed()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var node = await NodeHarness.StartAsync((port, admin) => Yaml(port, admin, a));

        var (status, body) = await GetAsync(node, "listener=web&host=api.example.com&path=/v1/users&header.X-Env=canary&client=203.0.113.7");
        var (_, unknown) = await GetAsync(node, "listener=web&host=api.example.com&path=/v1/users&header.X-Env=canary");
        var (_, open) = await GetAsync(node, "listener=web&host=x&path=/healthz&client=2001:db8::1");

        Assert.Equal(HttpStatusCode.OK, status);
        var access = body.GetProperty("access");
        Assert.True(access.GetProperty("allowed").GetBoolean());
        Assert.Equal("203.0.113.7", access.GetProperty("client").GetString());
        var check = access.GetProperty("policies")[0].GetProperty("checks")[0];
        Assert.Equal("cidr", check.GetProperty("check").GetString());
        Assert.Equal("203.0.113.7 is in allow [0.0.0.0/0]", check.GetProperty("detail").GetString());
        Assert.Equal(JsonValueKind.Null, unknown.GetProperty("access").GetProperty("allowed").ValueKind);
        Assert.True(open.GetProperty("access").GetProperty("allowed").GetBoolean());
        Assert.Equal(0, open.GetProperty("access").GetProperty("policies").GetArrayLength());
    }

    [Fact]
    public async Task ExplainPick_PoolParameter_StillExplainsTheServerPick()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var node = await NodeHarness.StartAsync((port, admin) => Yaml(port, admin, a));

        var (status, body) = await GetAsync(node, "pool=app&client=203.0.113.7");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("a", body.GetProperty("server").GetString());
    }
}
