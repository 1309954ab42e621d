namespace Tandem.Forecasting.Backtest;

/// <summary>
/// One forecast's errors at one horizon on the test hours. <see cref="Mase"/> is scaled by the training part's
/// seasonal-naive-24 MAE; <see cref="Smape"/> is in percent; <see cref="Peaks"/> is the daily peak timing;
/// <see cref="CoverageUpper"/> and <see cref="CoverageBand"/> are the interval's coverage (only for forecasts with an
/// interval); NaN where a metric is undefined (no overloads predicted, no complete day, no interval).
/// </summary>
public sealed record HorizonScore(string Model, int Horizon, double Mae, double Smape, double Mase, double PeakHit, double Precision, double Recall)
{
    public PeakTiming Peaks { get; init; } = new(0, double.NaN, double.NaN, double.NaN);

    public double CoverageUpper { get; init; } = double.NaN;

    public double CoverageBand { get; init; } = double.NaN;

    /// <summary>Scores forecasts against actuals (aligned; NaN on either side is skipped).</summary>
    public static HorizonScore Of(string model, int horizon, double[] actual, double[] forecast, double scale, double overloadThreshold)
    {
        var mae = ForecastScores.Mae(actual, forecast);
        var (precision, recall) = ForecastScores.Overload(actual, forecast, overloadThreshold);
        return new HorizonScore(model, horizon, mae, ForecastScores.Smape(actual, forecast), mae / scale,
            ForecastScores.PeakHitRate(actual, forecast), precision, recall)
        {
            Peaks = ForecastScores.PeakTimes(actual, forecast),
        };
    }
}
