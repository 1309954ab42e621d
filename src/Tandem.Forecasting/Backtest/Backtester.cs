using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Backtest;

/// <summary>
/// The backtest of issue 7. The last <see cref="BacktestOptions.TestDays"/> days are the test set; every test hour is a
/// target and horizon h forecasts it from the data up to h hours before it; every model is fitted once on the hours
/// before the test set (no refit inside it). MASE is scaled by the training part's seasonal-naive-24 MAE, overloads
/// are hours above the training part's 90th percentile.
/// The selection is made the way production makes it, without looking at the test set: a <see cref="Forecaster"/> is
/// trained on the hours before the test set, which chooses per horizon on the last days of that training part.
/// </summary>
public static class Backtester
{
    public const int MinTrainingHours = 8 * 24;

    public static BacktestReport Run(HourlySeries series, BacktestOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        var testStart = series.Count - (options.TestDays * 24);
        if (testStart < MinTrainingHours)
        {
            throw new ArgumentException(
                $"history has {series.Count} hours: {options.TestDays} test days leave {Math.Max(0, testStart)} training hours, need at least {MinTrainingHours}",
                nameof(series));
        }
        var scale = ForecastScores.SeasonalNaiveScale(series.Values, testStart);
        var threshold = ForecastScores.Quantile(series.Values.AsSpan(0, testStart), 0.9);
        var started = Stopwatch.GetTimestamp();
        var cpuStarted = Environment.CpuUsage.TotalTime;
        var models = Forecaster.FitAll(series, testStart, options.Forecaster, NullLogger.Instance, cancellationToken);
        var trainingTime = Stopwatch.GetElapsedTime(started);
        var trainingCpuTime = Environment.CpuUsage.TotalTime - cpuStarted;
        var actual = RollingOrigin.Actuals(series, testStart, series.Count);
        var results = new List<HorizonScore>();
        foreach (var name in options.Forecaster.Models)
        {
            foreach (var horizon in options.Horizons)
            {
                var forecast = RollingOrigin.Forecasts(models[name], series, testStart, series.Count, horizon);
                results.Add(HorizonScore.Of(name, horizon, actual, forecast, scale, threshold));
            }
        }
        var training = new HourlySeries(series.Start, series.Values[..testStart]);
        var maxHorizon = options.Horizons.Max();
        var forecaster = Forecaster.Train(training, options.Forecaster with { MaxHorizon = maxHorizon }, null, cancellationToken);
        var selected = new SortedDictionary<int, string>();
        var choices = new List<HorizonChoice>();
        foreach (var horizon in options.Horizons)
        {
            selected[horizon] = forecaster.Choices[horizon - 1].Model;
            choices.Add(forecaster.Choices[horizon - 1]);
        }
        var validationHours = Forecaster.ValidationHours(testStart, options.Forecaster);
        return new BacktestReport(results, selected, choices,
            series.HourAt(testStart), series.HourAt(series.Count - 1),
            series.HourAt(testStart - validationHours), testStart, scale, threshold, trainingTime, trainingCpuTime);
    }
}

/// <summary>Backtest settings: test days (default 14), horizons (default 1, 6, 24) and the forecaster's options.</summary>
public sealed record BacktestOptions
{
    public int TestDays { get; init; } = 14;

    public IReadOnlyList<int> Horizons { get; init; } = [1, 6, 24];

    /// <summary>The forecaster's options; the backtest is offline, so its default time limit is 2 minutes rather than 30 s,
    /// keeping results reproducible (seeded, bounded by sample updates) on a busy machine.</summary>
    public ForecasterOptions Forecaster { get; init; } = new() { TrainingTimeLimit = TimeSpan.FromMinutes(2) };
}

/// <summary>
/// Backtest results per model and horizon, and the model selected per horizon by validation on the training part
/// (<see cref="ValidationStart"/> up to <see cref="TestStart"/>), never by the test set.
/// </summary>
public sealed record BacktestReport(
    IReadOnlyList<HorizonScore> Results,
    IReadOnlyDictionary<int, string> Selected,
    IReadOnlyList<HorizonChoice> Validation,
    DateTimeOffset TestStart,
    DateTimeOffset TestEnd,
    DateTimeOffset ValidationStart,
    int TrainingHours,
    double MaseScale,
    double OverloadThreshold,
    TimeSpan TrainingTime,
    TimeSpan TrainingCpuTime)
{
    public HorizonScore Score(string model, int horizon) => Results.First(r => r.Model == model && r.Horizon == horizon);
}
