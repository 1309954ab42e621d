using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Planning;

/// <summary>
/// For replays: the forecaster a node would have had at each point of a series. It trains a <see cref="Forecaster"/>
/// on the hours before <c>first</c>, then a new one every <c>refitHours</c> (0: never), each on the hours before its
/// refit, when a forecast first asks from a history that long. A history too short to train on gets the seasonal
/// naive forecast. Concurrency: one replay thread.
/// </summary>
public sealed class RefittingForecaster(HourlySeries series, int first, int refitHours, ForecasterOptions options) : IForecaster
{
    private readonly Dictionary<int, IForecaster> _trained = [];
    private readonly SeasonalNaiveForecaster _naive = new();

    /// <summary>How many forecasters were trained so far.</summary>
    public int Trained => _trained.Count;

    public IReadOnlyList<HourForecast> Forecast(HourlySeries history, int hours)
    {
        ArgumentNullException.ThrowIfNull(history);
        var known = history.Count;
        var refit = known < first || refitHours <= 0 ? first : first + ((known - first) / refitHours * refitHours);
        if (!_trained.TryGetValue(refit, out var forecaster))
        {
            var end = Math.Min(refit, series.Count);
            forecaster = end >= 4 * 24 ? Forecaster.Train(new HourlySeries(series.Start, series.Values[..end]), options) : _naive;
            _trained[refit] = forecaster;
        }
        return forecaster.Forecast(history, hours);
    }
}
