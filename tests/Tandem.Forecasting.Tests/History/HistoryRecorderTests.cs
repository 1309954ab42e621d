using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Config;
using Tandem.Forecasting.History;

namespace Tandem.Forecasting.Tests.History;

public sealed class HistoryRecorderTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 30, TimeSpan.Zero);

    [Fact]
    public void Tick_EachMinute_StoresTheGrowthOfTheServersCounters()
    {
        using var dir = new TempDir();
        using var store = HistoryStore.Open(dir.Path);
        var time = new FakeTimeProvider(Start);
        var pools = TestPools.Registry(time, TestPools.Pool("app", TestPools.Server("a", 9001), TestPools.Server("b", 9002)));
        var app = pools.Find("app")!;
        using var recorder = new HistoryRecorder(store, pools, () => [], HistoryOptions.From(null), time, NullLogger.Instance);
        recorder.Tick();

        TestPools.Serve(app.Servers[0], 30);
        TestPools.Serve(app.Servers[1], 12);
        time.Advance(TimeSpan.FromMinutes(1));
        recorder.Tick();
        TestPools.Serve(app.Servers[0], 5);
        time.Advance(TimeSpan.FromMinutes(1));
        recorder.Tick();

        var minute = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(42, store.MinuteTotal(SeriesKey.Pool("app"), minute, minute.AddMinutes(1)));
        Assert.Equal(5, store.MinuteTotal(SeriesKey.Pool("app"), minute.AddMinutes(1), minute.AddMinutes(2)));
        Assert.Equal(47, store.Hours(SeriesKey.Pool("app"), minute, minute.AddHours(1)).Values[0]);
    }

    [Fact]
    public void Start_OnTheFakeClock_WritesOncePerMinuteByTimer()
    {
        using var dir = new TempDir();
        using var store = HistoryStore.Open(dir.Path);
        var time = new FakeTimeProvider(Start);
        var pools = TestPools.Registry(time, TestPools.Pool("app", TestPools.Server("a", 9001)));
        using var recorder = new HistoryRecorder(store, pools, () => [], HistoryOptions.From(null), time, NullLogger.Instance);
        recorder.Start();

        for (var i = 0; i < 10; i++)
        {
            TestPools.Serve(pools.Find("app")!.Servers[0], 6);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(10, store.MinuteRows());
        Assert.Equal(60, store.MinuteTotal(SeriesKey.Pool("app"), Start.AddHours(-1), Start.AddHours(1)));
    }

    [Fact]
    public void Tick_ListenerAloneOnItsPool_RecordedAsItsOwnSeries()
    {
        using var dir = new TempDir();
        using var store = HistoryStore.Open(dir.Path);
        var time = new FakeTimeProvider(Start);
        var pools = TestPools.Registry(time, TestPools.Pool("app", TestPools.Server("a", 9001)));
        var listeners = new List<ListenerConfig> { new() { Name = "web", Bind = new HostPort("127.0.0.1", 8080), Pool = "app" } };
        using var recorder = new HistoryRecorder(store, pools, () => listeners, HistoryOptions.From(null), time, NullLogger.Instance);
        recorder.Tick();

        TestPools.Serve(pools.Find("app")!.Servers[0], 9);
        time.Advance(TimeSpan.FromMinutes(1));
        recorder.Tick();

        Assert.Equal(9, store.MinuteTotal(SeriesKey.Listener("web"), Start.AddHours(-1), Start.AddHours(1)));
    }

    [Fact]
    public void Tick_AfterRetention_PrunesOldMinutes()
    {
        using var dir = new TempDir();
        using var store = HistoryStore.Open(dir.Path);
        var time = new FakeTimeProvider(Start);
        store.AddMinutes([new MinuteCount(SeriesKey.Pool("app"), Start.AddDays(-3), 4)]);
        var pools = TestPools.Registry(time, TestPools.Pool("app", TestPools.Server("a", 9001)));
        var options = HistoryOptions.From(new ForecastConfig { DataDir = dir.Path, MinuteRetentionDays = 2 });
        using var recorder = new HistoryRecorder(store, pools, () => [], options, time, NullLogger.Instance);
        recorder.Tick();
        time.Advance(TimeSpan.FromMinutes(1));

        recorder.Tick();

        Assert.Equal(1, store.MinuteRows());
        Assert.Equal(2, store.HourRows());
    }

    [Fact]
    public void Tick_ServerRemovedAndAdded_CountsOnlyNewRequests()
    {
        using var dir = new TempDir();
        using var store = HistoryStore.Open(dir.Path);
        var time = new FakeTimeProvider(Start);
        var pools = TestPools.Registry(time, TestPools.Pool("app", TestPools.Server("a", 9001)));
        using var recorder = new HistoryRecorder(store, pools, () => [], HistoryOptions.From(null), time, NullLogger.Instance);
        TestPools.Serve(pools.Find("app")!.Servers[0], 100);
        recorder.Tick();

        pools.Apply([TestPools.Pool("app", TestPools.Server("a", 9001), TestPools.Server("b", 9002))]);
        TestPools.Serve(pools.Find("app")!.Servers[1], 3);
        time.Advance(TimeSpan.FromMinutes(1));
        recorder.Tick();

        Assert.Equal(3, store.MinuteTotal(SeriesKey.Pool("app"), Start.AddHours(-1), Start.AddHours(1)));
    }
}
