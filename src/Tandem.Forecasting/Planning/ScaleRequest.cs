namespace Tandem.Forecasting.Planning;

/// <summary>What a webhook or command is told when the planner scales a pool.</summary>
/// <param name="Pool">The pool.</param>
/// <param name="PredictedPeak">The forecast's upper bound over the lead window, requests/s.</param>
/// <param name="Capacity">Requests/s one server takes.</param>
/// <param name="ServersNeeded">Servers the pool needs for the peak at the threshold.</param>
/// <param name="At">When the planner decided.</param>
/// <param name="Direction"><c>out</c> before a peak, <c>in</c> after it.</param>
public sealed record ScaleRequest(string Pool, double PredictedPeak, double Capacity, int ServersNeeded, DateTimeOffset At, string Direction);

/// <summary>One action the planner took or tried, for the admin API and the dashboard.</summary>
/// <param name="At">When.</param>
/// <param name="Description">What, e.g. <c>woke backup b3</c>, <c>webhook http://... answered 200</c>.</param>
/// <param name="Ok">Whether it worked.</param>
public sealed record PlannedAction(DateTimeOffset At, string Description, bool Ok);
