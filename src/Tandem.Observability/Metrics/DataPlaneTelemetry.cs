using Tandem.Core.Telemetry;
using Tandem.Observability.AccessLog;

namespace Tandem.Observability.Metrics;

/// <summary>
/// What the data plane reports to, as the composition root hands it over: the node's <see cref="TandemMetrics"/> and,
/// when configured, its access log.
/// </summary>
public sealed class DataPlaneTelemetry(TandemMetrics metrics, AccessLogWriter? accessLog = null) : IDataPlaneTelemetry
{
    public IListenerTelemetry ForListener(string listener) => metrics.ForListener(listener, accessLog);

    public void ObserveQueues(Func<IEnumerable<KeyValuePair<string, int>>> read) => metrics.ObserveQueues(read);

    public void HealthChanged(string pool, string server, string state) => metrics.HealthChanged(pool, server, state);

    public IPolicyTelemetry Policies { get; } = new PolicyMetrics(metrics.Registry);

    public ICacheTelemetry Cache => metrics.Cache;

    public IStreamTelemetry ForStream(string listener) => new StreamTelemetry(listener, metrics, accessLog);
}
