namespace Tandem.Core.Config;

/// <summary>
/// The per-request detail of <c>/metrics</c> (YAML <c>metrics</c>). Read at start; a reload does not change it.
/// Gauges read at scrape time (server state, weights, connections, queues) are always exported.
/// </summary>
public sealed record MetricsConfig
{
    /// <summary>
    /// Key <c>enabled</c>; true when absent. False records no per-request Prometheus series (request counters,
    /// histograms, bytes, retries); the dashboard's live figures and the alert rules keep working.
    /// </summary>
    public bool? Enabled { get; init; }

    /// <summary>Key <c>method-label</c>; true when absent. False folds every method into <c>method="any"</c>.</summary>
    public bool? MethodLabel { get; init; }
}
