using System.Net;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Observability.Tests.Support;

namespace Tandem.Observability.Tests.Admin;

public sealed class ExplainEndpointTests
{
    [Fact]
    public async Task Explain_WeightedRoundRobin_NamesTheNextServerWithoutTakingTheTurn()
    {
        await using var admin = await AdminHarness.StartAsync();
        var pool = admin.Pool("app");

        var (status, first) = await admin.GetJsonAsync("/api/explain?pool=app");
        var (_, second) = await admin.GetJsonAsync("/api/explain?pool=app");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(first.GetProperty("server").GetString(), second.GetProperty("server").GetString());
        Assert.Equal(pool.Pick(default)!.Name, first.GetProperty("server").GetString());
        Assert.Equal("weighted-round-robin", first.GetProperty("algorithm").GetString());
        Assert.StartsWith("smooth weighted round robin", first.GetProperty("rule").GetString(), StringComparison.Ordinal);
        var a = first.GetProperty("servers")[0];
        Assert.Equal("a", a.GetProperty("name").GetString());
        Assert.Equal(5, a.GetProperty("weight").GetInt32());
        Assert.Equal(5, a.GetProperty("effectiveWeight").GetDouble());
        Assert.Equal(0, a.GetProperty("inFlight").GetInt64());
    }

    [Fact]
    public async Task Explain_IpHash_SameClientSameServerAndHashFacts()
    {
        await using var admin = await AdminHarness.StartAsync(HashConfig(null));

        var (_, first) = await admin.GetJsonAsync("/api/explain?pool=app&client=203.0.113.7");
        var (_, again) = await admin.GetJsonAsync("/api/explain?pool=app&client=203.0.113.7");

        Assert.Equal(first.GetProperty("server").GetString(), again.GetProperty("server").GetString());
        Assert.Equal("203.0.113.7", first.GetProperty("client").GetString());
        Assert.Equal("client address", first.GetProperty("hashKey").GetString());
        Assert.Equal(ClientHash.Of(IPAddress.Parse("203.0.113.7")).ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            first.GetProperty("facts").GetProperty("hash").GetString());
        var selection = new SelectionContext(IPAddress.Parse("203.0.113.7"), ClientHash.Of(IPAddress.Parse("203.0.113.7")));
        Assert.Equal(admin.Pool("app").Pick(in selection)!.Name, first.GetProperty("server").GetString());
    }

    [Fact]
    public async Task Explain_HeaderHashKey_UsesTheHeaderFromTheQuery()
    {
        await using var admin = await AdminHarness.StartAsync(HashConfig("header:X-User"));

        var (_, withHeader) = await admin.GetJsonAsync("/api/explain?pool=app&client=203.0.113.7&header.X-User=alice");
        var (_, without) = await admin.GetJsonAsync("/api/explain?pool=app&client=203.0.113.7");

        Assert.Equal("header:X-User", withHeader.GetProperty("hashKey").GetString());
        Assert.Equal(ClientHash.Of("alice").ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            withHeader.GetProperty("facts").GetProperty("hash").GetString());
        Assert.Equal("client address (header:X-User not given)", without.GetProperty("hashKey").GetString());
    }

    [Fact]
    public async Task Explain_LeastConnections_PrefersTheLessLoadedServer()
    {
        var config = AdminHarness.DefaultConfig() with
        {
            Pools = [new PoolConfig { Name = "app", Algorithm = BalancingAlgorithms.LeastConnections, Servers = [AdminHarness.Server("a", 9001), AdminHarness.Server("b", 9002)] }],
        };
        await using var admin = await AdminHarness.StartAsync(config);
        admin.Server("app", "a").RequestStarted();

        var (_, body) = await admin.GetJsonAsync("/api/explain?pool=app");

        Assert.Equal("b", body.GetProperty("server").GetString());
        Assert.Equal("1", body.GetProperty("facts").GetProperty("in-flight per weight.a").GetString());
        Assert.Equal("0", body.GetProperty("facts").GetProperty("in-flight per weight.b").GetString());
    }

    [Fact]
    public async Task Explain_NoUsableServer_NullServerAndReason()
    {
        await using var admin = await AdminHarness.StartAsync();
        var pool = admin.Pool("api");
        pool.SetAdminState(pool.FindServer("x")!, AdminState.Disabled);

        var (status, body) = await admin.GetJsonAsync("/api/explain?pool=api");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("server").ValueKind);
        Assert.StartsWith("no server is usable", body.GetProperty("rule").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/explain", 400,
        "query parameter 'pool' is required, e.g. /api/explain?pool=app&client=203.0.113.7 (or 'listener', host and path: which route serves a request)")]
    [InlineData("/api/explain?pool=nope", 404, "no pool named 'nope'")]
    [InlineData("/api/explain?pool=app&client=not-an-ip", 400, "client must be an IP address, got 'not-an-ip'")]
    public async Task Explain_BadQuery_ClearError(string path, int expectedStatus, string message)
    {
        await using var admin = await AdminHarness.StartAsync();

        var (status, body) = await admin.GetJsonAsync(path);

        Assert.Equal(expectedStatus, (int)status);
        Assert.Equal(message, body.GetProperty("error").GetString());
    }

    private static TandemConfig HashConfig(string? hashKey) => AdminHarness.DefaultConfig() with
    {
        Pools =
        [
            new PoolConfig
            {
                Name = "app",
                Algorithm = BalancingAlgorithms.IpHash,
                HashKey = hashKey is null ? null : HashKey.TryParse(hashKey),
                Servers = [AdminHarness.Server("a", 9001), AdminHarness.Server("b", 9002), AdminHarness.Server("c", 9003)],
            },
        ],
    };
}
