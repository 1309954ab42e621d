namespace Tandem.Forecasting.Models;

/// <summary>"persistence": every future hour equals the last observed hour (the last non-gap hour at or before the origin).</summary>
internal sealed class PersistenceModel : IForecastModel
{
    public const string ModelName = "persistence";

    public string Name => ModelName;

    public void Fit(HourlySeries series, int trainEnd, CancellationToken cancellationToken)
    {
    }

    public double Predict(HourlySeries series, int origin, int horizon) => SeriesInputs.LastObserved(series.Values, origin);
}
