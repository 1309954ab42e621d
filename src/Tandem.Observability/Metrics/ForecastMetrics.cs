using Tandem.Core.Runtime;

namespace Tandem.Observability.Metrics;

/// <summary>
/// The scale-ahead planner's outlook per pool in the node's registry, refreshed before each scrape from
/// <see cref="ForecastSignals"/>: what <c>tandem alerts export-rules</c> reads for predicted overload.
/// </summary>
public static class ForecastMetrics
{
    /// <summary>Adds the gauges to <paramref name="metrics"/>' registry, read from <paramref name="signals"/> at each scrape.</summary>
    public static void Observe(TandemMetrics metrics, ForecastSignals signals)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(signals);
        var factory = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        var overload = factory.CreateGauge("tandem_forecast_overload_predicted",
            "1 while the forecast's upper bound over the lead window exceeds threshold x capacity of the active servers.", ["pool"]);
        var peak = factory.CreateGauge("tandem_forecast_predicted_peak_requests_per_second",
            "The forecast's upper bound over the lead window, in requests/s.", ["pool"]);
        var capacity = factory.CreateGauge("tandem_forecast_capacity_requests_per_second",
            "Requests/s the active servers take at the scale-ahead threshold.", ["pool"]);
        var needed = factory.CreateGauge("tandem_forecast_servers_needed", "Servers needed for the predicted peak.", ["pool"]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        metrics.Registry.AddBeforeCollectCallback(() =>
        {
            var pools = signals.Pools;
            foreach (var old in seen)
            {
                if (!pools.ContainsKey(old))
                {
                    overload.RemoveLabelled(old);
                    peak.RemoveLabelled(old);
                    capacity.RemoveLabelled(old);
                    needed.RemoveLabelled(old);
                }
            }
            seen.Clear();
            foreach (var (pool, outlook) in pools)
            {
                seen.Add(pool);
                overload.WithLabels(pool).Set(outlook.OverloadPredicted ? 1 : 0);
                peak.WithLabels(pool).Set(outlook.PredictedPeak);
                capacity.WithLabels(pool).Set(outlook.Capacity);
                needed.WithLabels(pool).Set(outlook.ServersNeeded);
            }
        });
    }
}
