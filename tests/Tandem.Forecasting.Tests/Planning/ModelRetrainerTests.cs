using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tandem.Forecasting.History;
using Tandem.Forecasting.Models;
using Tandem.Forecasting.Planning;

namespace Tandem.Forecasting.Tests.Planning;

public sealed class ModelRetrainerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Start_RetrainableForecaster_TrainsEachPoolWithHistoryOnABelowNormalThreadThenOnSchedule()
    {
        using var dir = new TempDir();
        using var store = HistoryStore.Open(dir.Path);
        store.SetHours(SeriesKey.Pool("app"), [(Now.AddHours(-5), 10), (Now.AddHours(-2), 20)]);
        var time = new FakeTimeProvider(Now);
        var pools = TestPools.Registry(time, TestPools.Pool("app", TestPools.Server("a", 9001)));
        pools.Apply([TestPools.Pool("app", TestPools.Server("a", 9001)), TestPools.Pool("empty", TestPools.Server("b", 9002))]);
        var forecaster = new Trainable();
        using var retrainer = new ModelRetrainer(store, pools, forecaster, dir.Path, TimeSpan.FromHours(6), time, NullLogger.Instance);

        retrainer.Start();
        Assert.True(forecaster.Trained.Wait(TimeSpan.FromSeconds(20)));

        var (series, history, directory, priority) = forecaster.Calls.Single();
        Assert.Equal("app", series);
        Assert.Equal(Now.AddHours(-5).AddMinutes(-30), history.Start);
        Assert.Equal([10, double.NaN, double.NaN, 20, double.NaN], history.Values);
        Assert.Equal(Path.Combine(dir.Path, "models"), directory);
        Assert.True(Directory.Exists(directory));
        Assert.Equal(ThreadPriority.BelowNormal, priority);

        // The thread may not be waiting on the clock yet: advance until the next round comes, bounded.
        forecaster.Trained.Reset();
        var retrained = false;
        for (var i = 0; i < 200 && !retrained; i++)
        {
            time.Advance(TimeSpan.FromHours(6));
            retrained = forecaster.Trained.Wait(TimeSpan.FromMilliseconds(100));
        }
        Assert.True(retrained);
        Assert.True(forecaster.Calls.Count >= 2);
    }

    [Fact]
    public void RetrainOnce_ForecasterWithoutModels_Nothing()
    {
        using var dir = new TempDir();
        using var store = HistoryStore.Open(dir.Path);
        var time = new FakeTimeProvider(Now);
        var pools = TestPools.Registry(time, TestPools.Pool("app", TestPools.Server("a", 9001)));
        using var retrainer = new ModelRetrainer(store, pools, null, dir.Path, TimeSpan.FromHours(6), time, NullLogger.Instance);

        Assert.Equal(0, retrainer.RetrainOnce(CancellationToken.None));
    }

    private sealed class Trainable : IForecaster, IRetrainable
    {
        public ManualResetEventSlim Trained { get; } = new();

        public List<(string Series, HourlySeries History, string Directory, ThreadPriority Priority)> Calls { get; } = [];

        public IReadOnlyList<HourForecast> Forecast(HourlySeries history, int hours) => [];

        public void Retrain(string series, HourlySeries history, string modelDirectory, CancellationToken cancellationToken)
        {
            lock (Calls)
            {
                Calls.Add((series, history, modelDirectory, Thread.CurrentThread.Priority));
            }
            Trained.Set();
        }
    }
}
