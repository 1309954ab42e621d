using System.Net;
using Tandem.Core.Balancing;
using Tandem.Core.Pools;
using Tandem.Observability.Tests.Support;

namespace Tandem.Observability.Tests.Admin;

public sealed class ServerUpdateEndpointTests
{
    [Fact]
    public async Task Post_Weight_EffectiveWeightAndPicksFollowIt()
    {
        await using var admin = await AdminHarness.StartAsync();

        var (status, body) = await admin.PostAsync("/api/pools/app/servers/b", """{"weight": 15}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("b", body.GetProperty("name").GetString());
        Assert.Equal(15, body.GetProperty("weight").GetInt32());
        Assert.Equal(15, body.GetProperty("effectiveWeight").GetInt32());
        Assert.True(body.GetProperty("weightOverridden").GetBoolean());
        // a:5, b:15, 127.0.0.1:9003:1 -> a period of 21 picks.
        var picks = Picks(admin.Pool("app"), 21 * 4);
        Assert.Equal(5 * 4, picks["a"]);
        Assert.Equal(15 * 4, picks["b"]);
        Assert.Equal(1 * 4, picks["127.0.0.1:9003"]);
        var (_, pools) = await admin.GetJsonAsync("/api/pools/app");
        Assert.Equal(15, pools.GetProperty("servers")[1].GetProperty("effectiveWeight").GetInt32());
    }

    [Fact]
    public async Task Post_WeightNull_BackToTheFileWeight()
    {
        await using var admin = await AdminHarness.StartAsync();
        await admin.PostAsync("/api/pools/app/servers/a", """{"weight": 1}""");

        var (status, body) = await admin.PostAsync("/api/pools/app/servers/a", """{"weight": null}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(5, body.GetProperty("weight").GetInt32());
        Assert.Equal(5, body.GetProperty("effectiveWeight").GetInt32());
        Assert.False(body.GetProperty("weightOverridden").GetBoolean());
        var picks = Picks(admin.Pool("app"), 9 * 3);
        Assert.Equal(5 * 3, picks["a"]);
        Assert.Equal(3 * 3, picks["b"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(256)]
    public async Task Post_WeightAtTheLimits_Accepted(int weight)
    {
        await using var admin = await AdminHarness.StartAsync();

        var (status, body) = await admin.PostAsync("/api/pools/app/servers/a", $$"""{"weight": {{weight}}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(weight, body.GetProperty("effectiveWeight").GetInt32());
        Assert.Equal(weight, admin.Server("app", "a").EffectiveWeight);
    }

    [Fact]
    public async Task Post_StateDraining_LeavesRotationAndUpBringsItBack()
    {
        await using var admin = await AdminHarness.StartAsync();
        var pool = admin.Pool("app");

        var (status, body) = await admin.PostAsync("/api/pools/app/servers/a", """{"state": "draining"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("draining", body.GetProperty("state").GetString());
        Assert.Equal(AdminState.Draining, admin.Server("app", "a").AdminState);
        Assert.DoesNotContain("a", Picks(pool, 20).Keys);
        var (_, listed) = await admin.GetJsonAsync("/api/pools");
        Assert.Equal("draining", listed[1].GetProperty("servers")[0].GetProperty("state").GetString());

        (status, body) = await admin.PostAsync("/api/pools/app/servers/a", """{"state": "up"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("up", body.GetProperty("state").GetString());
        Assert.Equal(5 * 2, Picks(pool, 9 * 2)["a"]);
    }

    [Fact]
    public async Task Post_StateDisabled_Disabled()
    {
        await using var admin = await AdminHarness.StartAsync();

        var (status, body) = await admin.PostAsync("/api/pools/app/servers/b", """{"state": "disabled"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("disabled", body.GetProperty("state").GetString());
        Assert.Equal(2, admin.Pool("app").UsableCount);
    }

    [Fact]
    public async Task Post_WeightAndStateTogether_BothApplied()
    {
        await using var admin = await AdminHarness.StartAsync();

        var (status, body) = await admin.PostAsync("/api/pools/app/servers/b", """{"weight": 7, "state": "draining"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(7, body.GetProperty("effectiveWeight").GetInt32());
        Assert.Equal("draining", body.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Post_ServerNamedByItsAddress_UrlEncodedColonFindsIt()
    {
        await using var admin = await AdminHarness.StartAsync();

        // The dashboard sends encodeURIComponent(name).
        var (status, body) = await admin.PostAsync("/api/pools/app/servers/127.0.0.1%3A9003", """{"weight": 2}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("127.0.0.1:9003", body.GetProperty("name").GetString());
        Assert.Equal(2, admin.Server("app", "127.0.0.1:9003").EffectiveWeight);
    }

    [Fact]
    public async Task Post_DashboardStyleRequestWithoutJsonContentType_StillApplied()
    {
        // curl -d '{"weight":3}' sends application/x-www-form-urlencoded; the body is what counts.
        await using var admin = await AdminHarness.StartAsync();

        var (status, _) = await admin.PostAsync("/api/pools/app/servers/a", """{"weight": 3}""", "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, admin.Server("app", "a").EffectiveWeight);
    }

    [Fact]
    public async Task Post_UnknownPool_404NamingThePool()
    {
        await using var admin = await AdminHarness.StartAsync();

        var (status, body) = await admin.PostAsync("/api/pools/nope/servers/a", """{"weight": 3}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("no pool named 'nope'", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Post_UnknownServer_404NamingPoolAndServer()
    {
        await using var admin = await AdminHarness.StartAsync();

        var (status, body) = await admin.PostAsync("/api/pools/app/servers/x", """{"weight": 3}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("pool 'app' has no server named 'x'", body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("""{"weight": 0}""", "weight must be an integer 1..256 (or null for the file's weight), got 0")]
    [InlineData("""{"weight": 300}""", "weight must be an integer 1..256 (or null for the file's weight), got 300")]
    [InlineData("""{"weight": -1}""", "weight must be an integer 1..256 (or null for the file's weight), got -1")]
    [InlineData("""{"weight": 2.5}""", "weight must be an integer 1..256 (or null for the file's weight), got 2.5")]
    [InlineData("""{"weight": "3"}""", "weight must be an integer 1..256 (or null for the file's weight), got \"3\"")]
    [InlineData("""{"weight": 99999999999}""", "weight must be an integer 1..256 (or null for the file's weight), got 99999999999")]
    [InlineData("""{"state": "sleeping"}""", "state must be \"up\", \"draining\" or \"disabled\", got \"sleeping\"")]
    [InlineData("""{"state": "down"}""", "state must be \"up\", \"draining\" or \"disabled\", got \"down\"")]
    [InlineData("""{"state": "UP"}""", "state must be \"up\", \"draining\" or \"disabled\", got \"UP\"")]
    [InlineData("""{"state": null}""", "state must be \"up\", \"draining\" or \"disabled\", got null")]
    [InlineData("""{"weight": 3, "state": "sleeping"}""", "state must be \"up\", \"draining\" or \"disabled\", got \"sleeping\"")]
    [InlineData("""{"wieght": 3}""", "unknown field 'wieght'; expected weight or state")]
    [InlineData("""{}""", "nothing to change; send weight or state")]
    [InlineData("""[{"weight": 3}]""", "expected a JSON object such as {\"weight\": 3} or {\"state\": \"draining\"}")]
    [InlineData("3", "expected a JSON object such as {\"weight\": 3} or {\"state\": \"draining\"}")]
    [InlineData("null", "expected a JSON object such as {\"weight\": 3} or {\"state\": \"draining\"}")]
    public async Task Post_BadBody_400WithMessageAndNothingChanged(string json, string message)
    {
        await using var admin = await AdminHarness.StartAsync();

        var (status, body) = await admin.PostAsync("/api/pools/app/servers/a", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, body.GetProperty("error").GetString());
        AssertUnchanged(admin);
    }

    [Theory]
    [InlineData("""{"weight": 3""")]
    [InlineData("""{weight: 3}""")]
    [InlineData("weight=3")]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Post_NotJson_400SayingSoAndNothingChanged(string text)
    {
        await using var admin = await AdminHarness.StartAsync();

        var (status, body) = await admin.PostAsync("/api/pools/app/servers/a", text);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("body is not valid JSON: ", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        AssertUnchanged(admin);
    }

    [Fact]
    public async Task Post_NoBodyAndNoContentType_400()
    {
        await using var admin = await AdminHarness.StartAsync();

        var (status, body) = await admin.PostAsync("/api/pools/app/servers/a", "", contentType: null);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("body is not valid JSON: ", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        AssertUnchanged(admin);
    }

    [Fact]
    public async Task Post_RefusedAfterAnOverride_KeepsTheOverride()
    {
        await using var admin = await AdminHarness.StartAsync();
        await admin.PostAsync("/api/pools/app/servers/a", """{"weight": 9, "state": "draining"}""");

        var (status, _) = await admin.PostAsync("/api/pools/app/servers/a", """{"weight": null, "state": "bogus"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var a = admin.Server("app", "a");
        Assert.Equal(9, a.EffectiveWeight);
        Assert.Equal(AdminState.Draining, a.AdminState);
    }

    [Fact]
    public async Task Get_OnServerRoute_405()
    {
        await using var admin = await AdminHarness.StartAsync();

        using var response = await admin.Client.GetAsync(new Uri("/api/pools/app/servers/a", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    private static void AssertUnchanged(AdminHarness admin)
    {
        var a = admin.Server("app", "a");
        Assert.Equal(5, a.EffectiveWeight);
        Assert.False(a.HasWeightOverride);
        Assert.Equal("up", a.StateName);
        Assert.Equal(5 * 2, Picks(admin.Pool("app"), 9 * 2)["a"]);
    }

    private static Dictionary<string, int> Picks(PoolState pool, int count)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var context = default(SelectionContext);
        for (var i = 0; i < count; i++)
        {
            var name = pool.Pick(in context)?.Name ?? "-";
            counts[name] = counts.GetValueOrDefault(name) + 1;
        }
        return counts;
    }
}
