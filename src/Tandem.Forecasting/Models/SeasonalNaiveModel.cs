namespace Tandem.Forecasting.Models;

/// <summary>
/// "seasonal-naive-24" / "seasonal-naive-168": the hour one period (a day, a week) before the target, or whole periods
/// further back when the horizon exceeds a period or that hour is a gap.
/// </summary>
internal sealed class SeasonalNaiveModel(int period) : IForecastModel
{
    public const string DailyName = "seasonal-naive-24";
    public const string WeeklyName = "seasonal-naive-168";

    public string Name { get; } = "seasonal-naive-" + period.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Fit(HourlySeries series, int trainEnd, CancellationToken cancellationToken)
    {
    }

    public double Predict(HourlySeries series, int origin, int horizon)
    {
        var target = origin + horizon;
        var periods = (horizon + period - 1) / period;
        for (var index = target - (periods * period); index >= 0 && periods <= 8; index -= period, periods++)
        {
            if (!double.IsNaN(series.Values[index]))
            {
                return series.Values[index];
            }
        }
        return double.NaN;
    }
}
