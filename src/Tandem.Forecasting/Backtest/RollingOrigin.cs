using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Backtest;

/// <summary>
/// Rolling-origin evaluation of one fitted model without refitting (for tests and quick checks): every hour in <c>[from, to)</c> is a target, and horizon h forecasts it
/// from the data up to h hours before it. Gap targets get no forecast (NaN), so metrics skip them.
/// </summary>
public static class RollingOrigin
{
    /// <summary>The actual values of the target hours <c>[from, to)</c>.</summary>
    public static double[] Actuals(HourlySeries series, int from, int to) => series.Values.AsSpan(from, to - from).ToArray();

    /// <summary>The model's forecasts for target hours <c>[from, to)</c> at <paramref name="horizon"/>, aligned with <see cref="Actuals"/>.</summary>
    public static double[] Forecasts(IForecastModel model, HourlySeries series, int from, int to, int horizon)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(series);
        var forecasts = new double[to - from];
        for (var target = from; target < to; target++)
        {
            var origin = target - horizon;
            forecasts[target - from] = origin < 0 || double.IsNaN(series.Values[target])
                ? double.NaN
                : model.Predict(series, origin, horizon);
        }
        return forecasts;
    }
}
