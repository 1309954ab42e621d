namespace Tandem.Forecasting.Backtest;

/// <summary>
/// One model's errors at one horizon. <see cref="Mase"/> is scaled by the training part's seasonal-naive-24 MAE;
/// <see cref="Smape"/> is in percent; NaN where a metric is undefined (no overloads predicted, no complete day).
/// </summary>
public sealed record HorizonScore(string Model, int Horizon, double Mae, double Smape, double Mase, double PeakHit, double Precision, double Recall)
{
    /// <summary>Scores forecasts against actuals (aligned; NaN on either side is skipped).</summary>
    public static HorizonScore Of(string model, int horizon, double[] actual, double[] forecast, double scale, double overloadThreshold)
    {
        var mae = ForecastScores.Mae(actual, forecast);
        var (precision, recall) = ForecastScores.Overload(actual, forecast, overloadThreshold);
        return new HorizonScore(model, horizon, mae, ForecastScores.Smape(actual, forecast), mae / scale,
            ForecastScores.PeakHitRate(actual, forecast), precision, recall);
    }
}
