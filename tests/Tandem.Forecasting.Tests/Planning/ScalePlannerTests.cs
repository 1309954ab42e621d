using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Health;
using Tandem.Core.Runtime;
using Tandem.Forecasting.History;
using Tandem.Forecasting.Models;
using Tandem.Forecasting.Planning;

namespace Tandem.Forecasting.Tests.Planning;

public sealed class ScalePlannerTests : IDisposable
{
    private static readonly DateTimeOffset TenOClock = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private readonly TempDir _dir = new();
    private readonly HistoryStore _store;
    private readonly FakeTimeProvider _time = new(TenOClock.AddMinutes(-30));
    private readonly FakeForecaster _forecaster = new();
    private readonly FakeActions _actions = new();
    private readonly ForecastSignals _signals = new();

    public ScalePlannerTests() => _store = HistoryStore.Open(_dir.Path);

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private static PoolConfig AppPool(double? capacity = 10, params ScaleAction[] actions) => TestPools.Pool("app",
        TestPools.Server("a", 9001), TestPools.Server("b", 9002), TestPools.Server("c", 9003, backup: true), TestPools.Server("d", 9004, backup: true)) with
    {
        Capacity = capacity,
        SlowStart = TimeSpan.FromSeconds(30),
        ScaleAhead = new ScaleAheadConfig { Lead = TimeSpan.FromMinutes(15), Threshold = 0.8, Actions = actions.Length == 0 ? [new ScaleAction(ScaleActionKind.WakeBackups)] : actions },
    };

    private ScalePlanner Planner(Core.Pools.PoolRegistry pools, double learned = 0) =>
        new(pools, _store, _forecaster, _signals, _actions, _ => learned, _time, NullLogger.Instance);

    [Fact]
    public async Task RoundAsync_PeakInsideTheLeadWindow_WakesABackupBeforeThePeak()
    {
        var pools = TestPools.Registry(_time, AppPool());
        var app = pools.Find("app")!;
        using var planner = Planner(pools);
        _forecaster.Upper[TenOClock] = 20 * 3600.0;

        // 09:30: the 10:00 peak is beyond the 15 minute lead.
        await planner.RoundAsync(CancellationToken.None);
        Assert.False(app.FindServer("c")!.Prewarmed);
        Assert.False(_signals.Pools["app"].OverloadPredicted);

        _time.Advance(TimeSpan.FromMinutes(20));
        await planner.RoundAsync(CancellationToken.None);

        var outlook = _signals.Pools["app"];
        Assert.True(outlook.OverloadPredicted);
        Assert.Equal(20, outlook.PredictedPeak, 6);
        Assert.Equal(3, outlook.ServersNeeded);
        Assert.Equal(24, outlook.Capacity, 6);
        Assert.Equal("woke backup c", outlook.Action);
        Assert.True(app.FindServer("c")!.Prewarmed);
        Assert.False(app.FindServer("d")!.Prewarmed);
        Assert.Equal(3, app.UsableCount);
        Assert.Equal(0.1, SlowStart.Factor(app.FindServer("c")!, app.Config.SlowStart, _time), 3);
        Assert.Contains("c", TestPicks(app, 30));
    }

    [Fact]
    public async Task RoundAsync_PeakOver_ParksTheBackupAfterTwoQuietRounds()
    {
        var pools = TestPools.Registry(_time, AppPool());
        var app = pools.Find("app")!;
        using var planner = Planner(pools);
        _forecaster.Upper[TenOClock] = 30 * 3600.0;
        _time.Advance(TimeSpan.FromMinutes(20));
        await planner.RoundAsync(CancellationToken.None);
        Assert.True(app.FindServer("d")!.Prewarmed);

        _forecaster.Upper.Clear();
        _forecaster.Flat = 5 * 3600.0;
        await planner.RoundAsync(CancellationToken.None);
        Assert.True(app.FindServer("d")!.Prewarmed);
        await planner.RoundAsync(CancellationToken.None);

        Assert.False(app.FindServer("c")!.Prewarmed);
        Assert.False(app.FindServer("d")!.Prewarmed);
        Assert.Equal(2, app.UsableCount);
        Assert.Equal("parked backups d, c", _signals.Pools["app"].Action);
        Assert.Equal(["woke backups c, d", "parked backups d, c"], planner.Plans["app"].Actions.Select(a => a.Description));
    }

    [Fact]
    public async Task RoundAsync_WebhookAndCommand_CalledWithPredictionAndServersNeeded()
    {
        var pools = TestPools.Registry(_time, AppPool(10, new ScaleAction(ScaleActionKind.Webhook, "http://127.0.0.1:1/scale"),
            new ScaleAction(ScaleActionKind.Command, "scale-out")));
        using var planner = Planner(pools);
        _forecaster.Upper[TenOClock] = 50 * 3600.0;
        _time.Advance(TimeSpan.FromMinutes(20));

        await planner.RoundAsync(CancellationToken.None);

        Assert.Equal(2, _actions.Calls.Count);
        Assert.All(_actions.Calls, c => Assert.Equal(new ScaleRequest("app", 50, 10, 7, _time.GetUtcNow(), "out"), c.Request));
        Assert.Equal([ScaleActionKind.Webhook, ScaleActionKind.Command], _actions.Calls.Select(c => c.Action.Kind));
    }

    [Fact]
    public async Task RoundAsync_CurrentLoadAboveTheForecast_PlansForTheCurrentLoad()
    {
        var pools = TestPools.Registry(_time, AppPool());
        using var planner = Planner(pools);
        _forecaster.Flat = 1 * 3600.0;
        var minute = HistoryRecorder.Truncate(_time.GetUtcNow());
        _store.AddMinutes([.. Enumerable.Range(1, 5).Select(i => new MinuteCount(SeriesKey.Pool("app"), minute.AddMinutes(-i), 1200))]);

        await planner.RoundAsync(CancellationToken.None);

        Assert.Equal(20, _signals.Pools["app"].PredictedPeak, 6);
        Assert.Equal(3, _signals.Pools["app"].ServersNeeded);
    }

    [Fact]
    public async Task RoundAsync_NoCapacityConfigured_UsesTheLearnedOneOrSkips()
    {
        var pools = TestPools.Registry(_time, AppPool(capacity: null));
        using var unknown = Planner(pools, learned: 0);
        await unknown.RoundAsync(CancellationToken.None);
        Assert.Empty(_signals.Pools);

        using var learned = Planner(pools, learned: 5);
        _forecaster.Flat = 9 * 3600.0;
        await learned.RoundAsync(CancellationToken.None);

        // 5 req/s x 80% = 4 per server: 9 req/s needs a third server, after which the pool takes 12 at the threshold.
        Assert.True(_signals.Pools["app"].OverloadPredicted);
        Assert.Equal(12, _signals.Pools["app"].Capacity, 6);
        Assert.Equal("learned", learned.Plans["app"].CapacitySource);
    }

    [Fact]
    public async Task RoundAsync_HistoryInTheStore_PassedToTheForecasterUpToTheLastCompleteHour()
    {
        _store.SetHours(SeriesKey.Pool("app"), [(TenOClock.AddHours(-2), 100), (TenOClock.AddHours(-3), 90)]);
        var pools = TestPools.Registry(_time, AppPool());
        using var planner = Planner(pools);

        await planner.RoundAsync(CancellationToken.None);

        var history = _forecaster.LastHistory!;
        Assert.Equal(TenOClock.AddHours(-1), history.HourAt(history.Count));
        Assert.Equal(100, history.Values[^1]);
        Assert.Equal(90, history.Values[^2]);
        Assert.Equal([90, 100], planner.Plans["app"].Actual.Values[^2..]);
    }

    private static List<string> TestPicks(Core.Pools.PoolState pool, int count)
    {
        var picks = new List<string>();
        var context = default(SelectionContext);
        for (var i = 0; i < count; i++)
        {
            picks.Add(pool.Pick(in context)?.Name ?? "-");
        }
        return picks;
    }

    /// <summary>Forecasts <see cref="Flat"/> for every hour, or the <see cref="Upper"/> set for an hour (mean = lower = upper).</summary>
    private sealed class FakeForecaster : IForecaster
    {
        public Dictionary<DateTimeOffset, double> Upper { get; } = [];

        public double Flat { get; set; }

        public HourlySeries? LastHistory { get; private set; }

        public IReadOnlyList<HourForecast> Forecast(HourlySeries history, int hours)
        {
            LastHistory = history;
            var forecasts = new List<HourForecast>();
            for (var h = 1; h <= hours; h++)
            {
                var hour = history.HourAt(history.Count - 1 + h);
                var value = Upper.GetValueOrDefault(hour, Flat);
                forecasts.Add(new HourForecast(hour, h, value, value, value, "fake"));
            }
            return forecasts;
        }
    }

    private sealed class FakeActions : IScaleActions
    {
        public List<(ScaleAction Action, ScaleRequest Request)> Calls { get; } = [];

        public Task<PlannedAction> RunAsync(ScaleAction action, ScaleRequest request, CancellationToken cancellationToken)
        {
            Calls.Add((action, request));
            return Task.FromResult(new PlannedAction(request.At, action.Kind + " ok", true));
        }
    }
}
