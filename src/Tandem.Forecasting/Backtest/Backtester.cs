using System.Diagnostics;
using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Backtest;

/// <summary>
/// The backtest, run the way a node forecasts. The last <see cref="BacktestOptions.TestDays"/> days are the test set;
/// every test hour is a target, and horizon h forecasts it from the data up to h hours before it, with the forecaster
/// a node would have had then: one is trained before the test days and a new one every
/// <see cref="BacktestOptions.RefitHours"/> through them (a rolling origin; a node retrains every 6 hours), each on
/// the hours before its refit only. Every forecaster chooses by itself, on the last days of its own history, never on
/// the test set. Scored: each model, the validated selection, the error-weighted combination and the chosen forecast
/// (what the node serves), with the chosen forecast's interval coverage and daily peak timing. MASE is scaled by the
/// training part's seasonal-naive-24 MAE; overloads are hours above the training part's 90th percentile.
/// </summary>
public static class Backtester
{
    public const int MinTrainingHours = 8 * 24;

    /// <summary>Pseudo-model names of the forecaster's own forecasts in <see cref="BacktestReport.Results"/>.</summary>
    public const string SelectedName = "selected";

    public const string CombinedName = "combined";

    public const string ChosenName = "chosen";

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
        var horizons = options.Horizons.ToArray();
        var maxHorizon = horizons.Max();
        var forecasterOptions = options.Forecaster with { MaxHorizon = Math.Max(maxHorizon, options.Forecaster.MaxHorizon) };
        var refits = new List<int> { testStart };
        for (var at = testStart + options.RefitHours; options.RefitHours > 0 && at < series.Count; at += options.RefitHours)
        {
            refits.Add(at);
        }

        var forecasters = new Forecaster[refits.Count];
        var cpuStarted = Environment.CpuUsage.TotalTime;
        var started = Stopwatch.GetTimestamp();
        TimeSpan firstCpu = default;
        for (var k = 0; k < refits.Count; k++)
        {
            var prefix = new HourlySeries(series.Start, series.Values[..refits[k]]);
            forecasters[k] = Forecaster.Train(prefix, forecasterOptions, null, cancellationToken);
            if (k == 0)
            {
                firstCpu = Environment.CpuUsage.TotalTime - cpuStarted;
            }
        }
        var trainingTime = Stopwatch.GetElapsedTime(started);
        var trainingCpu = Environment.CpuUsage.TotalTime - cpuStarted;

        var names = forecasters[0].Track.Models.Select(m => m.Name).ToArray();
        var testHours = series.Count - testStart;
        var rows = names.Length + 3;
        // forecasts[row][horizon index][target - testStart]
        var forecasts = new double[rows][][];
        for (var r = 0; r < rows; r++)
        {
            forecasts[r] = new double[horizons.Length][];
            for (var i = 0; i < horizons.Length; i++)
            {
                forecasts[r][i] = Enumerable.Repeat(double.NaN, testHours).ToArray();
            }
        }
        var lower = horizons.Select(_ => Enumerable.Repeat(double.NaN, testHours).ToArray()).ToArray();
        var upper = horizons.Select(_ => Enumerable.Repeat(double.NaN, testHours).ToArray()).ToArray();
        foreach (var forecaster in forecasters)
        {
            forecaster.Track.Bind(series);
        }
        for (var origin = Math.Max(0, testStart - maxHorizon); origin < series.Count - 1; origin++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // The forecaster a node has at this origin: the latest trained on hours up to it (the first before that).
            var k = 0;
            while (k + 1 < refits.Count && refits[k + 1] - 1 <= origin)
            {
                k++;
            }
            var track = forecasters[k].Track;
            for (var i = 0; i < horizons.Length; i++)
            {
                var h = horizons[i];
                var target = origin + h;
                if (target < testStart || target >= series.Count || double.IsNaN(series.Values[target]))
                {
                    continue;
                }
                var slot = target - testStart;
                for (var m = 0; m < names.Length; m++)
                {
                    forecasts[m][i][slot] = track.Model(origin, h, m);
                }
                forecasts[names.Length][i][slot] = track.Selected(origin, h).Value;
                forecasts[names.Length + 1][i][slot] = track.Combined(origin, h);
                var chosen = track.Chosen(origin, h).Value;
                forecasts[names.Length + 2][i][slot] = chosen;
                (lower[i][slot], upper[i][slot]) = track.Interval(origin, h, chosen);
            }
        }

        var scale = ForecastScores.SeasonalNaiveScale(series.Values, testStart);
        var threshold = ForecastScores.Quantile(series.Values.AsSpan(0, testStart), 0.9);
        var actual = series.Values.AsSpan(testStart, testHours).ToArray();
        string[] rowNames = [.. names, SelectedName, CombinedName, ChosenName];
        var results = new List<HorizonScore>();
        var days = new List<DayPeaks>();
        for (var r = 0; r < rows; r++)
        {
            for (var i = 0; i < horizons.Length; i++)
            {
                var score = HorizonScore.Of(rowNames[r], horizons[i], actual, forecasts[r][i], scale, threshold);
                if (r == rows - 1)
                {
                    var (under, band) = ForecastScores.Coverage(actual, lower[i], upper[i]);
                    score = score with { CoverageUpper = under, CoverageBand = band };
                }
                results.Add(score);
            }
        }
        for (var day = 0; day + 24 <= testHours; day += 24)
        {
            var offsets = new int?[horizons.Length];
            for (var i = 0; i < horizons.Length; i++)
            {
                offsets[i] = ForecastScores.DayPeakOffset(actual.AsSpan(day, 24), forecasts[rows - 1][i].AsSpan(day, 24));
            }
            days.Add(new DayPeaks(series.HourAt(testStart + day), ForecastScores.PeakHour(actual.AsSpan(day, 24)), offsets));
        }
        var combinedShare = new SortedDictionary<int, double>();
        foreach (var h in horizons)
        {
            combinedShare[h] = forecasters.Count(f => f.Choices[h - 1].Combine) / (double)forecasters.Length;
        }
        return new BacktestReport(results, horizons, forecasters[0].Choices.Where(c => horizons.Contains(c.Horizon)).ToList(), combinedShare, days,
            series.HourAt(testStart), series.HourAt(series.Count - 1), forecasters[0].FitEnd, testStart, refits.Count, options.RefitHours,
            scale, threshold, trainingTime, trainingCpu, firstCpu);
    }
}
