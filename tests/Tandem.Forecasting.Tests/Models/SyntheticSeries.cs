using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Tests.Models;

/// <summary>Synthetic hourly series with known shapes, starting on a Monday at midnight UTC.</summary>
internal static class SyntheticSeries
{
    public static readonly DateTimeOffset Monday = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>1000 + 500 sin(2 pi hour / 24): exactly periodic with period 24.</summary>
    public static HourlySeries DailySine(int hours)
    {
        var values = new double[hours];
        for (var i = 0; i < hours; i++)
        {
            values[i] = 1000 + (500 * Math.Sin(2 * Math.PI * i / 24));
        }
        return new HourlySeries(Monday, values);
    }

    /// <summary>The daily sine times a weekday factor (weekends at 40%): exactly periodic with period 168.</summary>
    public static HourlySeries Weekly(int hours)
    {
        var values = new double[hours];
        for (var i = 0; i < hours; i++)
        {
            var day = i / 24 % 7;
            var factor = day >= 5 ? 0.4 : 1.0 + (0.1 * day);
            values[i] = factor * (1000 + (500 * Math.Sin(2 * Math.PI * i / 24)));
        }
        return new HourlySeries(Monday, values);
    }
}
