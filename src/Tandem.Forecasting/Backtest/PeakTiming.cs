namespace Tandem.Forecasting.Backtest;

/// <summary>
/// How the forecast's daily peak hour fell against the actual one over <see cref="Days"/> scored days: shares exact,
/// early and late (NaN when no day could be scored). A forecast that is usually late is useless for scaling ahead,
/// however often it is within an hour.
/// </summary>
public sealed record PeakTiming(int Days, double Exact, double Early, double Late);
