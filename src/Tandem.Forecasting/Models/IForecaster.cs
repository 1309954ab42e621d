namespace Tandem.Forecasting.Models;

/// <summary>One forecast hour: the expected count and a prediction interval (for example p10..p90 from backtest residuals).</summary>
public sealed record HourForecast(DateTimeOffset Hour, int Horizon, double Mean, double Lower, double Upper, string Model);

/// <summary>
/// Forecasts the next hours of one series with the model selected per horizon. What the planner and the dashboard call.
/// </summary>
public interface IForecaster
{
    /// <summary>Forecasts hours <c>1..hours</c> after the last hour of <paramref name="history"/>.</summary>
    IReadOnlyList<HourForecast> Forecast(HourlySeries history, int hours);
}
