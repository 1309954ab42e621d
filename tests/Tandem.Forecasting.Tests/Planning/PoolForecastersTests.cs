using Tandem.Forecasting.Models;
using Tandem.Forecasting.Planning;

namespace Tandem.Forecasting.Tests.Planning;

public sealed class PoolForecastersTests
{
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    // Baselines only: the networks' training is covered by the models' own tests and would slow this one down.
    private static readonly ForecasterOptions Options = new() { Models = ModelCatalog.Baselines };

    [Fact]
    public void Retrain_ThreeWeeks_TrainedForecasterUsedSavedAndLoadedAfterARestart()
    {
        using var dir = new TempDir();
        var fallback = new SeasonalNaiveForecaster();
        var forecasters = new PoolForecasters(fallback, Options);
        var history = new HourlySeries(Start, Enumerable.Range(0, 21 * 24).Select(i => 100.0 + (10 * (i % 24))).ToArray());
        Assert.Same(fallback, forecasters.For("app"));

        forecasters.Retrain("app", history, dir.Path, CancellationToken.None);

        var trained = Assert.IsType<Forecaster>(forecasters.For("app"));
        Assert.Same(fallback, forecasters.For("api"));
        Assert.Equal(24, trained.Forecast(history, 24).Count);
        var restarted = new PoolForecasters(fallback, Options);
        restarted.Load(dir.Path, ["app", "api"]);
        Assert.IsType<Forecaster>(restarted.For("app"));
        Assert.Same(fallback, restarted.For("api"));
    }

    [Fact]
    public void Retrain_LessThanFourDays_KeepsTheFallback()
    {
        using var dir = new TempDir();
        var fallback = new SeasonalNaiveForecaster();
        var forecasters = new PoolForecasters(fallback, Options);

        forecasters.Retrain("app", new HourlySeries(Start, new double[48]), dir.Path, CancellationToken.None);

        Assert.Same(fallback, forecasters.For("app"));
    }
}
