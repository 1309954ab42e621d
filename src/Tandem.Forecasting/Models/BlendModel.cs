namespace Tandem.Forecasting.Models;

/// <summary>
/// "blend": the geometric mean of dense-calendar and seasonal-naive-168 (the mean of their log1p forecasts). Averaging a
/// learned model with the weekly naive forecast hedges the network's variance on short histories with the weekly
/// pattern, the classic forecast-combination result (the M competitions). Uses the fitted member instances; fitting
/// the blend itself learns nothing.
/// </summary>
internal sealed class BlendModel(IForecastModel learned, IForecastModel weekly) : IForecastModel
{
    public const string ModelName = "blend";

    public string Name => ModelName;

    public void Fit(HourlySeries series, int trainEnd, CancellationToken cancellationToken)
    {
    }

    public double Predict(HourlySeries series, int origin, int horizon)
    {
        var a = learned.Predict(series, origin, horizon);
        var b = weekly.Predict(series, origin, horizon);
        if (double.IsNaN(a) || double.IsNaN(b))
        {
            return double.NaN;
        }
        return Math.Exp((Math.Log(1 + a) + Math.Log(1 + b)) / 2) - 1;
    }
}
