using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Tests.Models;

public sealed class ForecasterTests
{
    private static readonly ForecasterOptions Fast = new() { TrainingSampleUpdates = 20_000 };

    [Fact]
    public void Forecast_NoisyWeeklySeries_NextHoursWithOrderedIntervals()
    {
        var history = Noisy(SyntheticSeries.Weekly(168 * 4), seed: 1);
        var forecaster = Forecaster.Train(history, Fast);

        var forecast = forecaster.Forecast(history, 24);

        Assert.Equal(24, forecast.Count);
        for (var h = 1; h <= 24; h++)
        {
            var hour = forecast[h - 1];
            Assert.Equal(h, hour.Horizon);
            Assert.Equal(history.HourAt(history.Count - 1 + h), hour.Hour);
            Assert.True(hour.Lower <= hour.Mean && hour.Mean <= hour.Upper, $"h={h}: {hour}");
            // The forecast is the error-weighted combination where it can be formed, else the model chosen for the horizon.
            Assert.True(hour.Model == Forecaster.CombinationName || ModelCatalog.Names.Contains(hour.Model), hour.Model);
        }
        Assert.Contains(forecast, f => f.Upper > f.Mean);
    }

    [Fact]
    public void Train_ExactlyWeeklySeries_ChoosesAZeroErrorModelEverywhere()
    {
        var history = SyntheticSeries.Weekly(168 * 3);

        var forecaster = Forecaster.Train(history, Fast with { Models = ["persistence", "seasonal-naive-24", "seasonal-naive-168"] });

        Assert.All(forecaster.Choices, c => Assert.Equal("seasonal-naive-168", c.Model));
        Assert.All(forecaster.Choices, c => Assert.Equal(0, c.Ranking[0].Mase, 12));
    }

    [Fact]
    public void SaveThenLoad_SameForecasts()
    {
        var history = Noisy(SyntheticSeries.Weekly(168 * 4), seed: 2);
        var forecaster = Forecaster.Train(history, Fast);
        var directory = Path.Combine(Path.GetTempPath(), "tandem-tests-" + Guid.NewGuid().ToString("N"));
        try
        {
            forecaster.Save(directory);
            var loaded = Forecaster.Load(directory, Fast);

            Assert.Equal(forecaster.Forecast(history, 24), loaded.Forecast(history, 24));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Load_DamagedFile_InvalidDataNamingTheFile()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tandem-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            File.WriteAllText(Path.Combine(directory, "forecaster.json"), "{\"version\":");

            var error = Assert.Throws<InvalidDataException>(() => Forecaster.Load(directory, Fast));

            Assert.StartsWith(Path.Combine(directory, "forecaster.json") + ": cannot load forecaster: ", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Train_TooShort_SaysHowMuchIsNeeded()
    {
        var error = Assert.Throws<ArgumentException>(() => Forecaster.Train(SyntheticSeries.DailySine(50), Fast));

        Assert.StartsWith("history too short to train a forecaster: 50 hours, need at least 96", error.Message, StringComparison.Ordinal);
    }

    private static HourlySeries Noisy(HourlySeries series, int seed)
    {
#pragma warning disable CA5394 // test noise
        var random = new Random(seed);
        var values = new double[series.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = series.Values[i] * (0.9 + (0.2 * random.NextDouble()));
        }
#pragma warning restore CA5394
        return series with { Values = values };
    }
}
