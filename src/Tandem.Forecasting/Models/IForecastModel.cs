namespace Tandem.Forecasting.Models;

/// <summary>
/// A forecasting model: learns from a prefix of a series, then predicts an hour <c>horizon</c> hours after an origin.
/// Implementations are not thread-safe; <see cref="Fit"/> and <see cref="Predict"/> are called from one thread.
/// </summary>
public interface IForecastModel
{
    /// <summary>A stable name used in the backtest table, the JSON output and persisted files: <c>persistence</c>, <c>seasonal-naive-24</c>.</summary>
    string Name { get; }

    /// <summary>Learns from hours <c>[0, trainEnd)</c> of <paramref name="series"/>; must stop early when cancelled.</summary>
    void Fit(HourlySeries series, int trainEnd, CancellationToken cancellationToken);

    /// <summary>
    /// Predicts hour <c>origin + horizon</c> using only hours <c>[0, origin]</c>. Returns NaN when the inputs it needs are gaps.
    /// </summary>
    double Predict(HourlySeries series, int origin, int horizon);

    /// <summary>
    /// Predicts hours <c>origin + 1 .. origin + forecasts.Length</c> into <paramref name="forecasts"/> (index h-1), using only
    /// hours <c>[0, origin]</c>. Models whose inputs do not depend on the horizon override it to compute them once.
    /// </summary>
    void PredictHorizons(HourlySeries series, int origin, Span<double> forecasts)
    {
        for (var h = 1; h <= forecasts.Length; h++)
        {
            forecasts[h - 1] = Predict(series, origin, h);
        }
    }
}
