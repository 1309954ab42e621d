using System.Collections.Concurrent;
using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Planning;

/// <summary>
/// One trained <see cref="Forecaster"/> per pool (series), retrained by <see cref="ModelRetrainer"/> and saved in
/// <c>DATA-DIR/models/POOL</c>; loaded from there at start so a restart forecasts at once. A pool without a trained
/// forecaster yet (fewer than 4 days of history, or before the first training) uses the fallback.
/// Concurrency: <see cref="For"/> from any thread; <see cref="Retrain"/> from the retrainer's thread.
/// </summary>
public sealed class PoolForecasters(IForecaster fallback, ForecasterOptions options) : IRetrainable
{
    private readonly ConcurrentDictionary<string, IForecaster> _trained = new(StringComparer.Ordinal);

    /// <summary>The pool's trained forecaster, or the fallback.</summary>
    public IForecaster For(string pool) => _trained.TryGetValue(pool, out var forecaster) ? forecaster : fallback;

    /// <summary>Loads the forecasters saved under <paramref name="modelDirectory"/> for these pools; a missing or damaged one is skipped.</summary>
    public void Load(string modelDirectory, IEnumerable<string> pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        foreach (var pool in pools)
        {
            var directory = Path.Combine(modelDirectory, pool);
            if (!Directory.Exists(directory))
            {
                continue;
            }
            try
            {
                _trained[pool] = Forecaster.Load(directory, options);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    public void Retrain(string series, HourlySeries history, string modelDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count < 4 * 24)
        {
            return;
        }
        var forecaster = Forecaster.Train(history, options, logger: null, cancellationToken);
        forecaster.Save(Path.Combine(modelDirectory, series));
        _trained[series] = forecaster;
    }
}
