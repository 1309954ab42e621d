namespace Tandem.Core.Runtime;

/// <summary>
/// The forecasting planner's latest view per pool, for alert rules (predicted overload), metrics and the dashboard.
/// Concurrency: written by the planner only; readers get an immutable snapshot lock-free.
/// </summary>
public sealed class ForecastSignals
{
    private volatile IReadOnlyDictionary<string, PoolOutlook> _pools = new Dictionary<string, PoolOutlook>();

    public IReadOnlyDictionary<string, PoolOutlook> Pools => _pools;

    public void Update(IReadOnlyDictionary<string, PoolOutlook> pools) => _pools = pools;
}

/// <param name="Pool">The pool.</param>
/// <param name="At">When the planner computed this.</param>
/// <param name="PredictedPeak">The forecast's upper bound (requests/s) over the lead window.</param>
/// <param name="Capacity">Requests/s the active servers can take at the threshold.</param>
/// <param name="OverloadPredicted">True when <paramref name="PredictedPeak"/> exceeds <paramref name="Capacity"/>.</param>
/// <param name="ServersNeeded">Servers needed for the predicted peak.</param>
/// <param name="Action">The last action taken, if any ("woke backup b", "scale hook called").</param>
public sealed record PoolOutlook(string Pool, DateTimeOffset At, double PredictedPeak, double Capacity, bool OverloadPredicted, int ServersNeeded, string? Action);
