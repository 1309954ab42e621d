using Tandem.Forecasting.Backtest;

namespace Tandem.Forecasting.Tests.Backtest;

public sealed class ForecastScoresTests
{
    private static readonly double[] Actual = [10, 20, double.NaN, 40];
    private static readonly double[] Forecast = [12, 15, 30, double.NaN];

    [Fact]
    public void Mae_GapsOnEitherSide_AreSkipped() => Assert.Equal(3.5, ForecastScores.Mae(Actual, Forecast), 12);

    [Fact]
    public void Smape_HandComputed_InPercent() =>
        Assert.Equal(((200.0 * 2 / 22) + (200.0 * 5 / 35)) / 2, ForecastScores.Smape(Actual, Forecast), 12);

    [Fact]
    public void Smape_BothZero_CountsAsPerfect() => Assert.Equal(0, ForecastScores.Smape([0.0], [0.0]));

    [Fact]
    public void SeasonalNaiveScale_SkipsPairsWithAGapAndStopsAtTrainEnd()
    {
        double[] values = [1, 5, 2, double.NaN, 4, 9, 100];

        // Pairs (t, t-2) inside [0, 6): (2,0) |2-1| = 1, (3,1) gap, (4,2) |4-2| = 2, (5,3) gap; hour 6 is after trainEnd.
        Assert.Equal(1.5, ForecastScores.SeasonalNaiveScale(values, 6, period: 2), 12);
    }

    [Fact]
    public void Mase_IsMaeOverTheTrainingScale()
    {
        var score = Tandem.Forecasting.Backtest.HorizonScore.Of("m", 1, Actual, Forecast, scale: 7, overloadThreshold: 100);

        Assert.Equal(0.5, score.Mase, 12);
    }

    [Fact]
    public void PeakHitRate_WithinOneHour_DayWithGapNotScored()
    {
        double[] actual = [1, 5, 2, 0, 3, 1, 0, 9, 1, 2, double.NaN, 0];
        double[] forecast = [0, 1, 6, 0, 9, 0, 0, 1, 5, 0, 0, 0];

        // Day 1: peaks at 1 and 2 (hit); day 2: 3 and 0 (miss); day 3 has a gap.
        Assert.Equal(0.5, ForecastScores.PeakHitRate(actual, forecast, dayLength: 4), 12);
    }

    [Fact]
    public void Overload_PrecisionAndRecall_HandComputed()
    {
        double[] actual = [11, 12, 5, 3, 14, 13, 20];
        double[] forecast = [15, 4, 11, 2, 9, 14, double.NaN];

        var (precision, recall) = ForecastScores.Overload(actual, forecast, threshold: 10);

        // TP: (11,15), (13,14); FP: (5,11); FN: (12,4), (14,9); the gap pair is skipped.
        Assert.Equal(2.0 / 3, precision, 12);
        Assert.Equal(2.0 / 4, recall, 12);
    }

    [Fact]
    public void Overload_NothingPredicted_PrecisionUndefined()
    {
        var (precision, recall) = ForecastScores.Overload([11.0, 1], [1.0, 1], threshold: 10);

        Assert.True(double.IsNaN(precision));
        Assert.Equal(0, recall);
    }

    [Fact]
    public void Quantile_LinearBetweenOrderStatistics_IgnoresNaN() =>
        Assert.Equal(3.7, ForecastScores.Quantile([4, 1, double.NaN, 3, 2], 0.9), 12);
}
