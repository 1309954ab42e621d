using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Config;
using Tandem.Core.Runtime;
using Tandem.Forecasting.History;
using Tandem.Forecasting.Planning;

namespace Tandem.Forecasting.Tests.Planning;

public sealed class ForecastApiTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 50, 0, TimeSpan.Zero);

    [Fact]
    public void Render_ForecastingOff_DisabledAndNoPools()
    {
        var pools = TestPools.Registry(TimeProvider.System, TestPools.Pool("app", TestPools.Server("a", 9001)));

        Assert.Equal("""{"enabled":false,"pools":[]}""", ForecastApi.Render(pools, null));
    }

    [Fact]
    public async Task Render_StartedServices_ActualForecastOutlookAndActionsPerPool()
    {
        using var dir = new TempDir();
        var time = new FakeTimeProvider(Now);
        var planned = TestPools.Pool("app", TestPools.Server("a", 9001), TestPools.Server("b", 9002, backup: true)) with
        {
            Capacity = 1,
            ScaleAhead = new ScaleAheadConfig { Actions = [new ScaleAction(ScaleActionKind.WakeBackups)] },
        };
        var pools = TestPools.Registry(time, planned);
        pools.Apply([planned, TestPools.Pool("api", TestPools.Server("c", 9003))]);
        using (var store = HistoryStore.Open(dir.Path))
        {
            var start = new DateTimeOffset(2026, 11, 11, 9, 0, 0, TimeSpan.Zero);
            var hours = Enumerable.Range(0, 14 * 24).Select(i => start.AddHours(i)).Select(h => (h, 3600.0 * (h.Hour == 10 ? 3 : 0.5))).ToList();
            store.SetHours(SeriesKey.Pool("app"), hours);
        }
        using var services = ForecastServices.Start(new ForecastConfig { DataDir = dir.Path }, pools, () => [], new ForecastSignals(), time, NullLoggerFactory.Instance);
        await services.Planner!.RoundAsync(CancellationToken.None);

        using var json = JsonDocument.Parse(ForecastApi.Render(pools, services));

        var root = json.RootElement;
        Assert.True(root.GetProperty("enabled").GetBoolean());
        var byName = root.GetProperty("pools").EnumerateArray().ToDictionary(p => p.GetProperty("pool").GetString()!);
        Assert.Equal(["api", "app"], byName.Keys.Order(StringComparer.Ordinal));
        var app = byName["app"];
        Assert.Equal(24, app.GetProperty("actual").GetArrayLength());
        Assert.Equal(24, app.GetProperty("forecast").GetArrayLength());
        var first = app.GetProperty("forecast")[0];
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), first.GetProperty("hour").GetDateTimeOffset());
        Assert.True(first.GetProperty("upper").GetDouble() >= first.GetProperty("mean").GetDouble());
        Assert.Equal("seasonal-naive", app.GetProperty("model").GetString());
        var outlook = app.GetProperty("outlook");
        // 10:00 is inside the 15 minute lead from 09:50: 3 req/s upper against 0.8 req/s for one server.
        Assert.True(outlook.GetProperty("overloadPredicted").GetBoolean());
        Assert.Equal(2, outlook.GetProperty("plannedServers").GetInt32());
        Assert.Equal("woke backup b", app.GetProperty("actions")[0].GetProperty("action").GetString());
        Assert.False(byName["api"].TryGetProperty("outlook", out _));
        Assert.Equal(JsonValueKind.Null, byName["api"].GetProperty("actual")[0].GetProperty("requests").ValueKind);
    }
}
