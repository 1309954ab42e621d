using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Backtest;

/// <summary>
/// Backtest results per forecast and horizon: each model, and the forecaster's <c>selected</c>, <c>combined</c> and
/// <c>chosen</c> forecasts (<see cref="Backtester"/>), with the first forecaster's validation choices
/// (<see cref="ValidationStart"/> up to <see cref="TestStart"/>), never made on the test set.
/// </summary>
/// <param name="Results">Per forecast (model or pseudo-model) and horizon.</param>
/// <param name="Horizons">The horizons scored.</param>
/// <param name="Validation">The first forecaster's choices at those horizons.</param>
/// <param name="CombinedShare">Per horizon, the share of the refits whose forecaster chose the combination.</param>
/// <param name="Days">Per test day, the actual peak hour and the chosen forecast's peak offset per horizon (negative: early).</param>
/// <param name="TestStart">The first test hour.</param>
/// <param name="TestEnd">The last test hour.</param>
/// <param name="ValidationStart">The first forecaster's first validation hour (the models trained before it).</param>
/// <param name="TrainingHours">Hours before the test days.</param>
/// <param name="Refits">Forecasters trained: one before the test days and one per refit through them.</param>
/// <param name="RefitHours">Hours between refits (0: trained once).</param>
/// <param name="MaseScale">The training part's seasonal-naive-24 MAE.</param>
/// <param name="OverloadThreshold">The training part's 90th percentile.</param>
/// <param name="TrainingTime">Wall-clock time of all the refits.</param>
/// <param name="TrainingCpuTime">CPU time of all the refits.</param>
/// <param name="FirstTrainingCpuTime">CPU time of the first forecaster alone (what a node spends per retraining).</param>
public sealed record BacktestReport(
    IReadOnlyList<HorizonScore> Results,
    IReadOnlyList<int> Horizons,
    IReadOnlyList<HorizonChoice> Validation,
    IReadOnlyDictionary<int, double> CombinedShare,
    IReadOnlyList<DayPeaks> Days,
    DateTimeOffset TestStart,
    DateTimeOffset TestEnd,
    DateTimeOffset ValidationStart,
    int TrainingHours,
    int Refits,
    int RefitHours,
    double MaseScale,
    double OverloadThreshold,
    TimeSpan TrainingTime,
    TimeSpan TrainingCpuTime,
    TimeSpan FirstTrainingCpuTime)
{
    public HorizonScore Score(string model, int horizon) => Results.First(r => r.Model == model && r.Horizon == horizon);

    /// <summary>The lowest test MAE of the naive baselines at <paramref name="horizon"/>.</summary>
    public HorizonScore BestBaseline(int horizon) =>
        Results.Where(r => r.Horizon == horizon && ModelCatalog.Baselines.Contains(r.Model)).MinBy(r => double.IsNaN(r.Mae) ? double.PositiveInfinity : r.Mae)!;
}

/// <summary>One test day: the hour (0-23 from the day's start) of its actual peak, and per horizon the chosen forecast's peak minus it.</summary>
public sealed record DayPeaks(DateTimeOffset Day, int? ActualPeak, IReadOnlyList<int?> Offsets);
