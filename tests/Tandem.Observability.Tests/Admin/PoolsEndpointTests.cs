using System.Net;
using System.Text.Json;
using Tandem.Core.Pools;
using Tandem.Observability.Tests.Support;

namespace Tandem.Observability.Tests.Admin;

public sealed class PoolsEndpointTests
{
    private static readonly string[] ServerFields =
        ["name", "address", "state", "weight", "effectiveWeight", "activeConnections", "requests", "failures"];

    [Fact]
    public async Task GetPools_TwoPools_ArrayOfPoolsSortedByNameWithTheirServers()
    {
        await using var admin = await AdminHarness.StartAsync();

        var (status, body) = await admin.GetJsonAsync("/api/pools");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Array, body.ValueKind);
        Assert.Equal(["api", "app"], body.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var app = body[1];
        Assert.Equal("weighted-round-robin", app.GetProperty("algorithm").GetString());
        Assert.Equal(["a", "b", "127.0.0.1:9003", "spare"], app.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("round-robin", body[0].GetProperty("algorithm").GetString());
    }

    [Fact]
    public async Task GetPools_Server_HasEveryFieldOfTheInterfaceWithItsValue()
    {
        await using var admin = await AdminHarness.StartAsync();
        var a = admin.Server("app", "a");
        a.RequestStarted();
        a.RequestStarted();
        a.RequestStarted();
        a.RequestCompleted(200, serverFailed: false, 0.01);
        a.RequestCompleted(502, serverFailed: true, 0.02);

        var (_, body) = await admin.GetJsonAsync("/api/pools");

        var server = body[1].GetProperty("servers")[0];
        var names = server.EnumerateObject().Select(p => p.Name).ToList();
        foreach (var field in ServerFields)
        {
            Assert.Contains(field, names);
        }
        Assert.Equal("a", server.GetProperty("name").GetString());
        Assert.Equal("127.0.0.1:9001", server.GetProperty("address").GetString());
        Assert.Equal("up", server.GetProperty("state").GetString());
        Assert.Equal(5, server.GetProperty("weight").GetInt32());
        Assert.Equal(5, server.GetProperty("effectiveWeight").GetInt32());
        Assert.Equal(1, server.GetProperty("activeConnections").GetInt64());
        Assert.Equal(2, server.GetProperty("requests").GetInt64());
        Assert.Equal(1, server.GetProperty("failures").GetInt64());
        Assert.False(server.GetProperty("backup").GetBoolean());
        Assert.False(server.GetProperty("weightOverridden").GetBoolean());
    }

    [Fact]
    public async Task GetPools_EveryServerState_ShownAsItsInterfaceName()
    {
        await using var admin = await AdminHarness.StartAsync();
        var pool = admin.Pool("app");
        pool.SetHealth(admin.Server("app", "b"), HealthStatus.Down);
        pool.SetAdminState(admin.Server("app", "127.0.0.1:9003"), AdminState.Draining);
        pool.SetAdminState(admin.Server("app", "spare"), AdminState.Disabled);

        var (_, body) = await admin.GetJsonAsync("/api/pools/app");

        Assert.Equal(["up", "down", "draining", "disabled"],
            body.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("state").GetString()));
        Assert.Equal(1, body.GetProperty("usableServers").GetInt32());
    }

    [Fact]
    public async Task GetPools_UnnamedAndBackupServers_NamedByAddressAndFlaggedBackup()
    {
        await using var admin = await AdminHarness.StartAsync();

        var (_, body) = await admin.GetJsonAsync("/api/pools/app");

        var servers = body.GetProperty("servers");
        Assert.Equal("127.0.0.1:9003", servers[2].GetProperty("address").GetString());
        Assert.Equal(1, servers[2].GetProperty("weight").GetInt32());
        Assert.True(servers[3].GetProperty("backup").GetBoolean());
    }

    [Fact]
    public async Task GetPool_KnownPool_ThatPoolAlone()
    {
        await using var admin = await AdminHarness.StartAsync();

        var (status, body) = await admin.GetJsonAsync("/api/pools/api");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.Equal("api", body.GetProperty("name").GetString());
        var server = Assert.Single(body.GetProperty("servers").EnumerateArray());
        Assert.Equal("x", server.GetProperty("name").GetString());
        Assert.Equal("127.0.0.1:9101", server.GetProperty("address").GetString());
    }

    [Fact]
    public async Task GetPool_UnknownPool_404NamingThePool()
    {
        await using var admin = await AdminHarness.StartAsync();

        var (status, body) = await admin.GetJsonAsync("/api/pools/nope");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("no pool named 'nope'", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task GetPool_NameDiffersOnlyInCase_404()
    {
        await using var admin = await AdminHarness.StartAsync();

        var (status, _) = await admin.GetJsonAsync("/api/pools/APP");

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task GetPools_NamesWithQuotesAndPlus_WrittenUnescaped()
    {
        var config = AdminHarness.DefaultConfig() with
        {
            Pools = [new Core.Config.PoolConfig { Name = "a+b", Servers = [AdminHarness.Server("it's", 9201)] }],
        };
        await using var admin = await AdminHarness.StartAsync(config);

        using var response = await admin.Client.GetAsync(new Uri("/api/pools", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"name\":\"a+b\"", text, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"it's\"", text, StringComparison.Ordinal);
    }
}
