namespace Tandem.Forecasting.Models;

/// <summary>
/// What training decided for one horizon, on the validation days (the last days of the history, after the models'
/// fitting part):
/// <list type="bullet">
/// <item><see cref="Model"/>: the single model selected by validation MASE (<see cref="Ranking"/>, best first, is
/// the fallback order when it cannot forecast);</item>
/// <item><see cref="Combine"/>: whether the forecast is the error-weighted combination of the models rather than
/// the selected one: true when the combination could be formed on the validation days; its validation MAE
/// (<see cref="CombinedMae"/>) and the selection's (<see cref="SelectedMae"/>, on the same hours) are reported;</item>
/// <item>the interval used until the forecaster has a week of its own residuals: quantiles of the chosen forecast's
/// validation residuals in log1p space (a multiplicative band: wider at the peak than at night).</item>
/// </list>
/// </summary>
public sealed record HorizonChoice(
    int Horizon,
    string Model,
    double LowerLogRatio,
    double UpperLogRatio,
    IReadOnlyList<CandidateScore> Ranking,
    bool Combine = false,
    double SelectedMae = double.NaN,
    double CombinedMae = double.NaN);

/// <summary>A candidate's validation MASE at one horizon (infinity when it could not forecast most validation hours).</summary>
public sealed record CandidateScore(string Model, double Mase);
