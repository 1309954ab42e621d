using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Planning;

/// <summary>
/// A stand-in <see cref="IForecaster"/> until the trained models are wired in: seasonal naive at one week (the same
/// hour 168 hours earlier), falling back to one day (24 hours, and multiples) where the week is missing or a gap.
/// The interval is multiplicative, from the p10 and p90 of actual/forecast of the same rule over the last two weeks of
/// the history (traffic errors grow with the level, so a ratio fits better than an offset); ±25% when the history
/// is too short to tell.
/// </summary>
public sealed class SeasonalNaiveForecaster : IForecaster
{
    public const string ModelName = "seasonal-naive";

    private const int Week = 168;
    private const int Day = 24;
    private const int ResidualWindow = 2 * Week;
    private const int MinResiduals = 24;

    public IReadOnlyList<HourForecast> Forecast(HourlySeries history, int hours)
    {
        ArgumentNullException.ThrowIfNull(history);
        var (low, high) = Band(history.Values);
        var forecasts = new List<HourForecast>(hours);
        var n = history.Count;
        for (var h = 1; h <= hours; h++)
        {
            var target = n - 1 + h;
            var mean = Predict(history.Values, target, n);
            forecasts.Add(double.IsNaN(mean)
                ? new HourForecast(history.HourAt(target), h, double.NaN, double.NaN, double.NaN, ModelName)
                : new HourForecast(history.HourAt(target), h, mean, mean * low, mean * high, ModelName));
        }
        return forecasts;
    }

    /// <summary>The value for index <paramref name="target"/> from values before <paramref name="known"/>; NaN when none.</summary>
    internal static double Predict(double[] values, int target, int known)
    {
        for (var back = Week; back <= target; back += Week)
        {
            var i = target - back;
            if (i < known && !double.IsNaN(values[i]))
            {
                return values[i];
            }
            if (i < known)
            {
                break;
            }
        }
        for (var back = Day; back <= target; back += Day)
        {
            var i = target - back;
            if (i < known && !double.IsNaN(values[i]))
            {
                return values[i];
            }
        }
        return double.NaN;
    }

    private static (double Low, double High) Band(double[] values)
    {
        var ratios = new List<double>(ResidualWindow);
        for (var t = Math.Max(Day, values.Length - ResidualWindow); t < values.Length; t++)
        {
            var predicted = Predict(values, t, t);
            if (!double.IsNaN(values[t]) && predicted > 0)
            {
                ratios.Add(values[t] / predicted);
            }
        }
        if (ratios.Count < MinResiduals)
        {
            return (0.75, 1.25);
        }
        ratios.Sort();
        return (Math.Min(1, Quantile(ratios, 0.1)), Math.Max(1, Quantile(ratios, 0.9)));
    }

    private static double Quantile(List<double> sorted, double q)
    {
        var position = q * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(sorted.Count - 1, below + 1);
        return sorted[below] + ((sorted[above] - sorted[below]) * (position - below));
    }
}
