using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Backtest;

/// <summary>Backtest settings: test days (default 14), horizons (default 1, 6, 24), refits and the forecaster's options.</summary>
public sealed record BacktestOptions
{
    public int TestDays { get; init; } = 14;

    public IReadOnlyList<int> Horizons { get; init; } = [1, 6, 24];

    /// <summary>Hours between refits through the test days (a rolling origin); 0 fits once, before them. Default 24.</summary>
    public int RefitHours { get; init; } = 24;

    /// <summary>The forecaster's options; the backtest is offline, so its default time limit is 2 minutes rather than 30 s,
    /// keeping results reproducible (seeded, bounded by sample updates) on a busy machine.</summary>
    public ForecasterOptions Forecaster { get; init; } = new() { TrainingTimeLimit = TimeSpan.FromMinutes(2) };
}
