using Tandem.Forecasting.Backtest;
using Tandem.Forecasting.Import;
using Tandem.Forecasting.Models;
using Tandem.Forecasting.Tests.Models;

namespace Tandem.Forecasting.Tests.Backtest;

public sealed class BacktesterTests
{
    // NASA KSC 1995 (shared/data/traffic; "may be freely redistributed"): 62 days with an 82-hour gap and an outage.
    private static readonly string Nasa = Path.Combine(AppContext.BaseDirectory, "Backtest", "Data", "nasa_ksc_1995_hourly.csv");

    [Fact]
    public void Run_RealSeries_ChosenForecastBeatsTheBaselines()
    {
        var series = HourlyCsv.Read(Nasa);

        var report = Backtester.Run(series, new BacktestOptions { TestDays = 14, Horizons = [1, 6], RefitHours = 0 });

        Assert.Equal((ModelCatalog.Names.Count + 3) * 2, report.Results.Count);
        Assert.Equal(0.43, report.Score("persistence", 1).Mase, 2);
        Assert.Equal(0.70, report.Score("seasonal-naive-24", 1).Mase, 2);
        Assert.Equal(0.52, report.Score("seasonal-naive-168", 1).Mase, 2);
        foreach (var horizon in report.Horizons)
        {
            var baseline = report.BestBaseline(horizon).Mae;
            var chosen = report.Score(Backtester.ChosenName, horizon).Mae;
            Assert.True(chosen < baseline, $"h={horizon}: chosen MAE {chosen:0.0}, best baseline {baseline:0.0}");
        }
    }

    [Fact]
    public void Run_GapTargets_AreNotScored()
    {
        var series = SyntheticSeries.Weekly(168 * 3);
        var values = (double[])series.Values.Clone();
        values[^5] = double.NaN;
        var withGap = series with { Values = values };

        var report = Backtester.Run(withGap, new BacktestOptions { TestDays = 7, Horizons = [1], Forecaster = new ForecasterOptions { Models = ["seasonal-naive-168"] } });

        Assert.Equal(0, report.Score("seasonal-naive-168", 1).Mae, 6);
    }

    [Fact]
    public void Run_TooFewTrainingHours_SaysWhatIsNeeded()
    {
        var error = Assert.Throws<ArgumentException>(() => Backtester.Run(SyntheticSeries.DailySine(24 * 10), new BacktestOptions { TestDays = 7 }));

        Assert.StartsWith("history has 240 hours: 7 test days leave 72 training hours, need at least 192", error.Message, StringComparison.Ordinal);
    }
}
