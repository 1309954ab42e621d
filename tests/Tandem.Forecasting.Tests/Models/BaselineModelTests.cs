using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Tests.Models;

public sealed class BaselineModelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(24)]
    public void SeasonalNaive24_PureDailySine_IsExact(int horizon)
    {
        var series = SyntheticSeries.DailySine(24 * 5);
        var model = ModelCatalog.Create("seasonal-naive-24", seed: 1);
        model.Fit(series, 48, CancellationToken.None);

        for (var target = 48; target < series.Count; target++)
        {
            Assert.Equal(series.Values[target], model.Predict(series, target - horizon, horizon), 9);
        }
    }

    [Fact]
    public void SeasonalNaive168_WeeklyPattern_IsExactWhereDailyIsNot()
    {
        var series = SyntheticSeries.Weekly(168 * 3);
        var weekly = ModelCatalog.Create("seasonal-naive-168", seed: 1);
        var daily = ModelCatalog.Create("seasonal-naive-24", seed: 1);

        var saturday = (168 * 2) + (5 * 24) + 12;

        Assert.Equal(series.Values[saturday], weekly.Predict(series, saturday - 6, 6), 9);
        Assert.NotEqual(series.Values[saturday], daily.Predict(series, saturday - 6, 6), 3);
    }

    [Fact]
    public void SeasonalNaive24_GapOneDayBack_UsesTwoDaysBack()
    {
        var values = new double[72];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = i;
        }
        values[70 - 24] = double.NaN;
        var series = new HourlySeries(SyntheticSeries.Monday, values);

        Assert.Equal(70 - 48, ModelCatalog.Create("seasonal-naive-24", 1).Predict(series, 69, 1));
    }

    [Fact]
    public void Persistence_GapAtOrigin_UsesLastObservedHour()
    {
        var series = new HourlySeries(SyntheticSeries.Monday, [5, 7, double.NaN]);

        Assert.Equal(7, ModelCatalog.Create("persistence", 1).Predict(series, 2, 3));
    }

    [Fact]
    public void Create_UnknownName_ListsTheModels()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelCatalog.Create("arima", 1));

        Assert.StartsWith("unknown model 'arima'; expected one of " + string.Join(", ", ModelCatalog.Names), error.Message, StringComparison.Ordinal);
        Assert.Contains("gbm", ModelCatalog.Names);
    }
}
