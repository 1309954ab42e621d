using Microsoft.Extensions.Time.Testing;
using Tandem.Observability.Live;

namespace Tandem.Observability.Tests.Live;

public sealed class LiveStatsTests
{
    [Fact]
    public void Tick_RequestsInOneSecond_GiveRateErrorShareAndQuantiles()
    {
        var time = new FakeTimeProvider();
        using var live = new LiveStats(time);
        var a = live.Recorder("app", "a");
        live.Tick();
        for (var i = 0; i < 98; i++)
        {
            a.Record(200, 0.010);
        }
        a.Record(503, 0.010);
        a.Record(200, 2.0);
        time.Advance(TimeSpan.FromSeconds(1));
        live.Tick();

        var sample = live.Latest("app", "a")!.Value;
        Assert.Equal(100, sample.RequestsPerSecond, 3);
        Assert.Equal(0.01, sample.ErrorRate, 6);
        Assert.InRange(sample.P50, 0.008, 0.0125);
        Assert.InRange(sample.P99, 0.008, 0.0125);
        var pool = live.Latest("app")!.Value;
        Assert.Equal(100, pool.RequestsPerSecond, 3);
    }

    [Fact]
    public void Tick_TwoServers_PoolIsTheirSum()
    {
        var time = new FakeTimeProvider();
        using var live = new LiveStats(time);
        var a = live.Recorder("app", "a");
        var b = live.Recorder("app", "b");
        live.Tick();
        for (var i = 0; i < 30; i++)
        {
            a.Record(200, 0.001);
        }
        for (var i = 0; i < 10; i++)
        {
            b.Record(500, 0.2);
        }
        time.Advance(TimeSpan.FromSeconds(2));
        live.Tick();

        var pool = live.Latest("app")!.Value;
        Assert.Equal(20, pool.RequestsPerSecond, 3);
        Assert.Equal(0.25, pool.ErrorRate, 6);
        Assert.InRange(pool.P99, 0.15, 0.25);
    }

    [Fact]
    public void Window_LastSeconds_CountsOnlyThose()
    {
        var time = new FakeTimeProvider();
        using var live = new LiveStats(time);
        var a = live.Recorder("app", "a");
        live.Tick();
        for (var second = 0; second < 30; second++)
        {
            var latency = second < 20 ? 0.001 : 0.5;
            for (var i = 0; i < 10; i++)
            {
                a.Record(200, latency);
            }
            time.Advance(TimeSpan.FromSeconds(1));
            live.Tick();
        }

        var last10 = live.Window("app", "a", TimeSpan.FromSeconds(10))!;
        Assert.Equal(100, last10.Requests);
        Assert.Equal(10, last10.RequestsPerSecond, 3);
        Assert.InRange(last10.P99, 0.4, 0.65); // buckets are x1.25 wide
        var all = live.Window("app", null, TimeSpan.FromMinutes(5))!;
        Assert.Equal(300, all.Requests);
    }

    [Fact]
    public void History_KeepsFifteenMinutesOldestFirst()
    {
        var time = new FakeTimeProvider();
        using var live = new LiveStats(time);
        live.Recorder("app", "a");
        for (var i = 0; i < LiveStats.HistoryLength + 50; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            live.Tick();
        }

        var history = live.History("app", "a", TimeSpan.FromMinutes(15));
        Assert.InRange(history.Count, LiveStats.HistoryLength - 1, LiveStats.HistoryLength);
        Assert.True(history[0].At < history[^1].At);
        Assert.Empty(live.History("app", "missing", TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Remove_LastServer_ForgetsPool()
    {
        var time = new FakeTimeProvider();
        using var live = new LiveStats(time);
        live.Recorder("app", "a");
        live.Tick();
        live.Remove("app", "a");
        Assert.Null(live.Latest("app"));
        Assert.Empty(live.Series());
    }

    [Theory]
    [InlineData(0.00005, 0)]
    [InlineData(0.0001, 0)]
    [InlineData(100.0, -1)]
    public void BucketOf_Edges(double seconds, int expected)
    {
        var bucket = LatencyRecorder.BucketOf(seconds);
        Assert.Equal(expected < 0 ? LatencyRecorder.UpperBounds.Length : expected, bucket);
    }
}
