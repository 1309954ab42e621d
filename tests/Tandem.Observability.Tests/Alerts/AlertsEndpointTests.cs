using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Observability.Alerts;
using Tandem.Observability.Metrics;
using Tandem.Observability.Tests.Support;

namespace Tandem.Observability.Tests.Alerts;

public sealed class AlertsEndpointTests
{
    [Fact]
    public void View_Serialized_CamelCaseFiringPendingRecent()
    {
        var time = new FakeTimeProvider(AdminHarness.StartedAt);
        var metrics = new TandemMetrics(time);
        var pools = new PoolRegistry(metrics);
        pools.Apply(AdminHarness.DefaultConfig().Pools);
        using var engine = new AlertEngine(new AlertSources { Pools = pools }, time, NullLogger.Instance);
        Assert.True(AlertCondition.TryParse("server-down", out var condition, out _));
        engine.Configure(new AlertsConfig { Node = "n1", Rules = [new AlertRuleConfig { Name = "Down", Level = AlertLevel.Critical, Condition = condition! }] }, null);
        var app = pools.Find("app")!;
        app.SetHealth(app.FindServer("a")!, HealthStatus.Down, "probe failed");
        engine.Evaluate();

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(engine.View(), AlertJsonContext.Default.AlertsView));

        var firing = Assert.Single(json.RootElement.GetProperty("firing").EnumerateArray().ToList());
        Assert.Equal("Down", firing.GetProperty("name").GetString());
        Assert.Equal("critical", firing.GetProperty("level").GetString());
        Assert.Equal("firing", firing.GetProperty("state").GetString());
        Assert.Equal("a", firing.GetProperty("labels").GetProperty("server").GetString());
        Assert.Equal(AdminHarness.StartedAt, firing.GetProperty("since").GetDateTimeOffset());
        Assert.Equal(1, firing.GetProperty("value").GetDouble());
        Assert.Contains("probe failed", firing.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Empty(json.RootElement.GetProperty("pending").EnumerateArray());
        Assert.Equal(["firing", "pending"], json.RootElement.GetProperty("recent").EnumerateArray().Select(r => r.GetProperty("state").GetString()));
        metrics.Live.Dispose();
    }
}
