using Tandem.Forecasting.Backtest;
using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Tests.Models;

public sealed class LearnedModelTests
{
    [Fact]
    public void Dense_DailySine_LearnsTheShape()
    {
        var series = SyntheticSeries.DailySine(24 * 28);
        var trainEnd = 24 * 21;
        var model = ModelCatalog.Create("dense", seed: 3);
        model.Fit(series, trainEnd, CancellationToken.None);

        var actual = RollingOrigin.Actuals(series, trainEnd, series.Count);
        var forecast = RollingOrigin.Forecasts(model, series, trainEnd, series.Count, 1);

        // The sine's hour-to-hour change is up to 130; a learned one-step forecast must be far closer than persistence.
        Assert.True(ForecastScores.Mae(actual, forecast) < 40, $"MAE {ForecastScores.Mae(actual, forecast)}");
    }

    [Fact]
    public void Dense_SameSeed_SamePredictions()
    {
        var series = SyntheticSeries.DailySine(24 * 10);
        var a = ModelCatalog.Create("dense", seed: 5);
        var b = ModelCatalog.Create("dense", seed: 5);
        a.Fit(series, 24 * 8, CancellationToken.None);
        b.Fit(series, 24 * 8, CancellationToken.None);

        Assert.Equal(a.Predict(series, 24 * 9, 3), b.Predict(series, 24 * 9, 3));
    }

    [Fact]
    public void DenseCalendar_WeeklyPattern_BeatsDailyNaiveAtHorizon24()
    {
        var series = SyntheticSeries.Weekly(168 * 6);
        var trainEnd = 168 * 5;
        var model = ModelCatalog.Create("dense-calendar", seed: 1);
        model.Fit(series, trainEnd, CancellationToken.None);
        var daily = ModelCatalog.Create("seasonal-naive-24", seed: 1);

        var actual = RollingOrigin.Actuals(series, trainEnd, series.Count);
        var learned = ForecastScores.Mae(actual, RollingOrigin.Forecasts(model, series, trainEnd, series.Count, 24));
        var naive = ForecastScores.Mae(actual, RollingOrigin.Forecasts(daily, series, trainEnd, series.Count, 24));

        Assert.True(learned < naive / 3, $"dense-calendar MAE {learned}, seasonal-naive-24 MAE {naive}");
    }

    [Fact]
    public void Fit_CancelledBeforeStart_ReturnsAtOnceAndPredictsWithoutThrowing()
    {
        var series = SyntheticSeries.Weekly(168 * 3);
        foreach (var name in ModelCatalog.Names)
        {
            var model = ModelCatalog.Create(name, seed: 1);
            model.Fit(series, series.Count, new CancellationToken(canceled: true));

            var forecast = model.Predict(series, series.Count - 1, 1);

            Assert.False(double.IsInfinity(forecast), name);
        }
    }

    [Fact]
    public void DenseCalendar_ShortHistory_PredictsNaNInsteadOfGuessing()
    {
        var series = SyntheticSeries.DailySine(100);
        var model = ModelCatalog.Create("dense-calendar", seed: 1);
        model.Fit(series, 100, CancellationToken.None);

        Assert.True(double.IsNaN(model.Predict(series, 99, 1)));
    }
}
