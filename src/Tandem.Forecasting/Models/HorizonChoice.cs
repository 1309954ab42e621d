namespace Tandem.Forecasting.Models;

/// <summary>
/// The model chosen for one horizon by validation MASE, with every candidate's validation MASE (the ranking, best first,
/// is the fallback order when the chosen model cannot forecast) and the interval as quantiles of the chosen model's
/// validation residuals in log1p space (a multiplicative band: wider at the peak than at night).
/// </summary>
public sealed record HorizonChoice(int Horizon, string Model, double LowerLogRatio, double UpperLogRatio, IReadOnlyList<CandidateScore> Ranking);

/// <summary>A candidate's validation MASE at one horizon (infinity when it could not forecast most validation hours).</summary>
public sealed record CandidateScore(string Model, double Mase);
