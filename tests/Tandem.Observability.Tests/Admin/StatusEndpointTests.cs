using System.Net;
using System.Text.Json;
using Tandem.Observability.Tests.Support;

namespace Tandem.Observability.Tests.Admin;

public sealed class StatusEndpointTests
{
    [Fact]
    public async Task GetStatus_AppliedConfig_VersionUptimeConfigAndListeners()
    {
        await using var admin = await AdminHarness.StartAsync();
        admin.Time.Advance(TimeSpan.FromSeconds(12.54));

        var (status, body) = await admin.GetJsonAsync("/api/status");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("0.1.0", body.GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.Equal(AdminHarness.StartedAt, body.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(12.5, body.GetProperty("uptimeSeconds").GetDouble());
        Assert.Equal("/etc/tandem/test.yaml", body.GetProperty("config").GetProperty("source").GetString());
        Assert.Equal("v-test", body.GetProperty("config").GetProperty("version").GetString());
        var reload = body.GetProperty("lastReload");
        Assert.True(reload.GetProperty("applied").GetBoolean());
        Assert.Equal("v-test", reload.GetProperty("version").GetString());
        Assert.Equal(0, reload.GetProperty("problems").GetArrayLength());
        var listener = Assert.Single(body.GetProperty("listeners").EnumerateArray());
        Assert.Equal("web", listener.GetProperty("name").GetString());
        Assert.Equal("app", listener.GetProperty("pool").GetString());
        Assert.Equal("127.0.0.1:8080", listener.GetProperty("bound").GetString());
    }

    [Fact]
    public async Task GetStatus_AfterRejectedReload_ShowsTheProblemsAndKeepsTheRunningConfig()
    {
        await using var admin = await AdminHarness.StartAsync();
        admin.Time.Advance(TimeSpan.FromMinutes(1));
        admin.Status.Rejected(null, ["test.yaml:3:5: pools[0].servers[0].weight: must be 1..256, got 0"]);

        var (_, body) = await admin.GetJsonAsync("/api/status");

        var reload = body.GetProperty("lastReload");
        Assert.False(reload.GetProperty("applied").GetBoolean());
        Assert.Equal(JsonValueKind.Null, reload.GetProperty("version").ValueKind);
        Assert.Equal(AdminHarness.StartedAt.AddMinutes(1), reload.GetProperty("at").GetDateTimeOffset());
        Assert.Equal(["test.yaml:3:5: pools[0].servers[0].weight: must be 1..256, got 0"],
            reload.GetProperty("problems").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("v-test", body.GetProperty("config").GetProperty("version").GetString());
    }

    [Fact]
    public async Task Healthz_Running_200Ok()
    {
        await using var admin = await AdminHarness.StartAsync();

        using var response = await admin.Client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnknownApiPath_404()
    {
        await using var admin = await AdminHarness.StartAsync();

        using var response = await admin.Client.GetAsync(new Uri("/api/nothing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
