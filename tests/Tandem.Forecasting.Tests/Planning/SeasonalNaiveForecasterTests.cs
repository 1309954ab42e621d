using Tandem.Forecasting.Models;
using Tandem.Forecasting.Planning;

namespace Tandem.Forecasting.Tests.Planning;

public sealed class SeasonalNaiveForecasterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Forecast_ThreeWeeksOfWeeklyPattern_RepeatsLastWeekWithATightBand()
    {
        var values = Enumerable.Range(0, 3 * 168).Select(i => 100.0 + (i % 168)).ToArray();

        var forecast = new SeasonalNaiveForecaster().Forecast(new HourlySeries(Start, values), 24);

        Assert.Equal(24, forecast.Count);
        Assert.Equal(Start.AddHours(3 * 168), forecast[0].Hour);
        Assert.Equal(1, forecast[0].Horizon);
        Assert.Equal(100, forecast[0].Mean);
        Assert.Equal(123, forecast[23].Mean);
        Assert.All(forecast, f => Assert.Equal(f.Mean, f.Upper, 6));
    }

    [Fact]
    public void Forecast_WeekAgoIsAGap_FallsBackToTheDayBefore()
    {
        var values = Enumerable.Range(0, 200).Select(i => (double)(i % 24)).ToArray();
        values[200 - 168] = double.NaN;

        var forecast = new SeasonalNaiveForecaster().Forecast(new HourlySeries(Start, values), 1);

        Assert.Equal(values[200 - 24], forecast[0].Mean);
    }

    [Fact]
    public void Forecast_LessThanADay_NaNAndNoThrow()
    {
        var forecast = new SeasonalNaiveForecaster().Forecast(new HourlySeries(Start, [1, 2, 3]), 2);

        Assert.True(double.IsNaN(forecast[0].Mean));
        Assert.Equal(2, forecast.Count);
    }

    [Fact]
    public void Forecast_NoisySeries_UpperAboveMeanAboveLower()
    {
        var values = Enumerable.Range(0, 3 * 168).Select(i => 100.0 + (i % 24) + (i * 7919 % 13)).ToArray();

        var forecast = new SeasonalNaiveForecaster().Forecast(new HourlySeries(Start, values), 24);

        Assert.All(forecast, f => Assert.True(f.Lower < f.Mean && f.Mean < f.Upper, $"{f.Lower} {f.Mean} {f.Upper}"));
    }
}
