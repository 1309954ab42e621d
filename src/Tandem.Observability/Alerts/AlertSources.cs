using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Observability.Live;
using Tandem.Observability.Resources;

namespace Tandem.Observability.Alerts;

/// <summary>
/// What alert conditions read: the pools' runtime state, the live per-second statistics, this node's resources, the
/// pair's health and the forecasting planner's outlook. Any may be absent (null), and then its conditions never hold.
/// </summary>
public sealed class AlertSources
{
    public PoolRegistry? Pools { get; init; }

    public LiveStats? Live { get; init; }

    public NodeResources? Resources { get; init; }

    public PairHealth? Pair { get; init; }

    public ForecastSignals? Forecast { get; init; }
}
