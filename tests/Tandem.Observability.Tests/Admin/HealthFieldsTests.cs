using System.Text.Json;
using Tandem.Core.Pools;
using Tandem.Observability.Tests.Support;

namespace Tandem.Observability.Tests.Admin;

public sealed class HealthFieldsTests
{
    [Fact]
    public async Task GetPools_AfterAHealthChangeAndAProbe_ShowsLastChangeAndLastProbe()
    {
        await using var admin = await AdminHarness.StartAsync();
        var pool = admin.Pool("app");
        var b = admin.Server("app", "b");
        b.RecordProbe(new ProbeResult(false, "status 503, expected 200-399", AdminHarness.StartedAt));
        pool.SetHealth(b, HealthStatus.Down, "3 probes failed in a row (last: status 503, expected 200-399)");

        var (_, body) = await admin.GetJsonAsync("/api/pools");

        var servers = body[1].GetProperty("servers");
        var view = servers[1];
        Assert.Equal("down", view.GetProperty("state").GetString());
        var change = view.GetProperty("lastChange");
        Assert.False(change.GetProperty("usable").GetBoolean());
        Assert.Equal("down", change.GetProperty("state").GetString());
        Assert.Equal("3 probes failed in a row (last: status 503, expected 200-399)", change.GetProperty("reason").GetString());
        Assert.Equal(AdminHarness.StartedAt, change.GetProperty("at").GetDateTimeOffset());
        var probe = view.GetProperty("lastProbe");
        Assert.False(probe.GetProperty("passed").GetBoolean());
        Assert.Equal("status 503, expected 200-399", probe.GetProperty("detail").GetString());
        Assert.Equal(JsonValueKind.Null, servers[0].GetProperty("lastChange").ValueKind);
        Assert.Equal(JsonValueKind.Null, servers[0].GetProperty("lastProbe").ValueKind);
    }
}
