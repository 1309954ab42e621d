using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Observability.Live;
using Tandem.Observability.Resources;

namespace Tandem.Observability.Alerts;

/// <summary>
/// What alert conditions read: the pools' runtime state, the live per-second statistics, this node's resources, the
/// pair's health, the forecasting planner's outlook and the served TLS certificates. Any may be absent (null), and then its conditions never hold.
/// </summary>
public sealed class AlertSources
{
    public PoolRegistry? Pools { get; init; }

    public LiveStats? Live { get; init; }

    public NodeResources? Resources { get; init; }

    public PairHealth? Pair { get; init; }

    public ForecastSignals? Forecast { get; init; }

    /// <summary>The certificates TLS listeners serve (certificate-expiry).</summary>
    public TlsStatus? Tls { get; init; }

    /// <summary>The clock certificate expiry is measured with.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
