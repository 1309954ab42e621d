using Tandem.Core.Runtime;
using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Planning;

/// <summary>The planner's latest round for one pool, as the admin API shows it.</summary>
/// <param name="Outlook">What alerts and the dashboard read (also published through <see cref="ForecastSignals"/>); null for a pool without <c>scale-ahead</c>.</param>
/// <param name="Actual">The last 24 complete hours' request counts (NaN for gaps).</param>
/// <param name="Forecast">The next 24 hours, from the current hour.</param>
/// <param name="PlannedServers">Servers the plan has in rotation.</param>
/// <param name="CapacitySource"><c>configured</c> or <c>learned</c>.</param>
/// <param name="Actions">The latest actions taken, oldest first.</param>
/// <param name="Capacity">Requests/s one server takes (0 when unknown).</param>
/// <param name="HourlyServers">Per forecast hour, the servers its upper bound (p90) needs at the threshold; empty without a plan.</param>
public sealed record PoolPlan(PoolOutlook? Outlook, HourlySeries Actual, IReadOnlyList<HourForecast> Forecast, int PlannedServers, string CapacitySource,
    IReadOnlyList<PlannedAction> Actions, double Capacity = 0, IReadOnlyList<int>? HourlyServers = null);
