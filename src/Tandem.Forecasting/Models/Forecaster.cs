using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Forecasting.Backtest;

namespace Tandem.Forecasting.Models;

/// <summary>
/// Trains every candidate model on a history, chooses per horizon the one with the lowest rolling-origin MASE on the
/// recent part of that history, and forecasts with p10..p90 intervals from the chosen model's validation residuals.
/// Training: the candidates are fitted on the history minus its last <see cref="ForecasterOptions.ValidationDays"/>
/// days, evaluated on those days (no refit), and kept as fitted: the intervals then describe exactly the models
/// that forecast, and training costs one fit per model. Immutable after training; <see cref="Forecast"/> may be
/// called from any thread, but concurrent calls are serialized by a lock (forecasting is off the request path).
/// </summary>
public sealed class Forecaster : IForecaster
{
    private readonly Dictionary<string, IForecastModel> _models;
    private readonly HorizonChoice[] _choices;
    private readonly Lock _gate = new();

    private Forecaster(Dictionary<string, IForecastModel> models, HorizonChoice[] choices)
    {
        _models = models;
        _choices = choices;
    }

    /// <summary>The choice for horizons 1..MaxHorizon (index h-1).</summary>
    public IReadOnlyList<HorizonChoice> Choices => _choices;

    public int MaxHorizon => _choices.Length;

    /// <summary>Trains and selects. Throws <see cref="ArgumentException"/> when the history is shorter than 4 days.</summary>
    public static Forecaster Train(HourlySeries history, ForecasterOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        if (history.Count < 4 * 24)
        {
            throw new ArgumentException($"history too short to train a forecaster: {history.Count} hours, need at least 96", nameof(history));
        }
        var validationHours = ValidationHours(history.Count, options);
        var fitEnd = history.Count - validationHours;
        ForecastLog.TrainingStarted(logger, history.Count, fitEnd, validationHours, options.TrainingTimeLimit);
        var models = FitAll(history, fitEnd, options, logger, cancellationToken);
        var choices = Select(models, history, fitEnd, history.Count, options);
        if (logger.IsEnabled(LogLevel.Information))
        {
#pragma warning disable CA1873 // guarded by IsEnabled above
            ForecastLog.Selected(logger, Describe(choices));
#pragma warning restore CA1873
        }
        return new Forecaster(models, choices);
    }

    /// <summary>The validation window: the last <see cref="ForecasterOptions.ValidationDays"/> days, at most a quarter of the history, at least a day.</summary>
    internal static int ValidationHours(int historyHours, ForecasterOptions options) =>
        Math.Max(24, Math.Min(options.ValidationDays * 24, historyHours / 4 / 24 * 24));

    /// <summary>Fits fresh candidates on hours <c>[0, trainEnd)</c> within the options' time budget.</summary>
    internal static Dictionary<string, IForecastModel> FitAll(HourlySeries series, int trainEnd, ForecasterOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        using var budget = new CancellationTokenSource(options.TrainingTimeLimit, options.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancellationToken);
        var models = new Dictionary<string, IForecastModel>(StringComparer.Ordinal);
        foreach (var name in options.Models)
        {
            var model = ModelCatalog.Create(name, options.Seed, models, options.TrainingSampleUpdates);
            var started = Stopwatch.GetTimestamp();
            model.Fit(series, trainEnd, linked.Token);
            var elapsedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            ForecastLog.ModelTrained(logger, name, elapsedMs);
            if (budget.IsCancellationRequested)
            {
                ForecastLog.BudgetExhausted(logger, options.TrainingTimeLimit, name);
            }
            models[name] = model;
        }
        cancellationToken.ThrowIfCancellationRequested();
        return models;
    }

    /// <summary>Validation MASEs this close to the best (relative) count as a tie, broken by <see cref="Neighbourhood"/>.</summary>
    internal const double TieMargin = 0.02;

    /// <summary>The mean validation MASE of <paramref name="model"/> over horizons h-2..h+2 (those that exist).</summary>
    private static double Neighbourhood(List<CandidateScore>[] rankings, int horizon, string model)
    {
        double sum = 0;
        var count = 0;
        for (var h = Math.Max(1, horizon - 2); h <= Math.Min(rankings.Length, horizon + 2); h++)
        {
            foreach (var score in rankings[h - 1])
            {
                if (score.Model == model)
                {
                    sum += score.Mase;
                    count++;
                }
            }
        }
        return count == 0 ? double.PositiveInfinity : sum / count;
    }

    /// <summary>Chooses per horizon by MASE over target hours <c>[from, to)</c>, scaled by the seasonal-naive-24 MAE before <paramref name="from"/>.</summary>
    internal static HorizonChoice[] Select(Dictionary<string, IForecastModel> models, HourlySeries series, int from, int to, ForecasterOptions options)
    {
        var scale = ForecastScores.SeasonalNaiveScale(series.Values, from);
        if (!(scale > 0))
        {
            scale = 1;
        }
        var actual = RollingOrigin.Actuals(series, from, to);
        var observed = 0;
        foreach (var value in actual)
        {
            observed += double.IsNaN(value) ? 0 : 1;
        }
        var rankings = new List<CandidateScore>[options.MaxHorizon];
        var forecastsByHorizon = new Dictionary<string, double[]>[options.MaxHorizon];
        for (var horizon = 1; horizon <= options.MaxHorizon; horizon++)
        {
            var ranking = new List<CandidateScore>();
            var forecasts = new Dictionary<string, double[]>(StringComparer.Ordinal);
            foreach (var (name, model) in models)
            {
                var forecast = RollingOrigin.Forecasts(model, series, from, to, horizon);
                var covered = 0;
                for (var i = 0; i < forecast.Length; i++)
                {
                    covered += double.IsNaN(forecast[i]) || double.IsNaN(actual[i]) ? 0 : 1;
                }
                var mase = covered * 2 >= observed && covered > 0 ? ForecastScores.Mae(actual, forecast) / scale : double.PositiveInfinity;
                ranking.Add(new CandidateScore(name, mase));
                forecasts[name] = forecast;
            }
            rankings[horizon - 1] = ranking;
            forecastsByHorizon[horizon - 1] = forecasts;
        }

        var choices = new HorizonChoice[options.MaxHorizon];
        for (var horizon = 1; horizon <= options.MaxHorizon; horizon++)
        {
            // A stable sort keeps the catalog order among equals, so exact ties go to the simpler model.
            var ordered = rankings[horizon - 1].OrderBy(c => c.Mase).ToArray();
            var best = ordered[0].Model;
            // Validation scores within TieMargin of the best are a tie on a week of data: the tie goes to the candidate
            // with the lower score over the neighbouring horizons, whose errors have the same structure, so one noisy
            // horizon does not flip the choice (seen on the NASA series: 0.357 vs 0.360 at h=24).
            var smoothedBest = Neighbourhood(rankings, horizon, best);
            foreach (var candidate in ordered)
            {
                if (candidate.Mase > ordered[0].Mase * (1 + TieMargin))
                {
                    break;
                }
                var smoothed = Neighbourhood(rankings, horizon, candidate.Model);
                if (smoothed < smoothedBest)
                {
                    (best, smoothedBest) = (candidate.Model, smoothed);
                }
            }
            var residuals = LogResiduals(actual, forecastsByHorizon[horizon - 1][best]);
            choices[horizon - 1] = new HorizonChoice(horizon, best,
                Finite(ForecastScores.Quantile(residuals, options.LowerQuantile)),
                Finite(ForecastScores.Quantile(residuals, options.UpperQuantile)),
                ordered);
        }
        return choices;
    }

    public IReadOnlyList<HourForecast> Forecast(HourlySeries history, int hours)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfLessThan(hours, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hours, MaxHorizon);
        var origin = history.Count - 1;
        var result = new HourForecast[hours];
        lock (_gate)
        {
            for (var horizon = 1; horizon <= hours; horizon++)
            {
                var choice = _choices[horizon - 1];
                var mean = double.NaN;
                var used = choice.Model;
                foreach (var candidate in choice.Ranking)
                {
                    mean = _models[candidate.Model].Predict(history, origin, horizon);
                    used = candidate.Model;
                    if (!double.IsNaN(mean))
                    {
                        break;
                    }
                }
                var log = Math.Log(1 + Math.Max(0, mean));
                var lower = double.IsNaN(mean) ? double.NaN : Math.Max(0, Math.Min(mean, Math.Exp(log + choice.LowerLogRatio) - 1));
                var upper = double.IsNaN(mean) ? double.NaN : Math.Max(mean, Math.Exp(log + choice.UpperLogRatio) - 1);
                result[horizon - 1] = new HourForecast(history.HourAt(origin + horizon), horizon, mean, lower, upper, used);
            }
        }
        return result;
    }

    /// <summary>Writes the trained models and the choices to <c>forecaster.json</c> in <paramref name="directory"/> (created if needed).</summary>
    public string Save(string directory, ILogger? logger = null)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, ForecasterFile.FileName);
        var states = new List<ModelState>();
        foreach (var model in _models.Values)
        {
            states.Add(model is IPersistentModel persistent ? persistent.Save() : ModelState.Empty(model.Name));
        }
        ForecasterFile.Write(path, new ForecasterFile.Content(ForecasterFile.CurrentVersion, _choices, states));
        ForecastLog.Saved(logger ?? NullLogger.Instance, path);
        return path;
    }

    /// <summary>Loads what <see cref="Save"/> wrote; throws <see cref="InvalidDataException"/> for a missing, foreign or damaged file.</summary>
    public static Forecaster Load(string directory, int seed = 1, ILogger? logger = null)
    {
        var path = Path.Combine(directory, ForecasterFile.FileName);
        var content = ForecasterFile.Read(path);
        var models = new Dictionary<string, IForecastModel>(StringComparer.Ordinal);
        foreach (var state in content.Models)
        {
            var model = ModelCatalog.Create(state.Model, seed, models);
            if (model is IPersistentModel persistent)
            {
                persistent.Load(state);
            }
            models[state.Model] = model;
        }
        foreach (var choice in content.Choices)
        {
            foreach (var candidate in choice.Ranking)
            {
                if (!models.ContainsKey(candidate.Model))
                {
                    throw new InvalidDataException($"{path}: horizon {choice.Horizon} ranks model '{candidate.Model}' which the file does not contain");
                }
            }
        }
        ForecastLog.Loaded(logger ?? NullLogger.Instance, path);
        return new Forecaster(models, [.. content.Choices]);
    }

    internal static string Describe(IReadOnlyList<HorizonChoice> choices) =>
        string.Join(", ", choices.Select(c => string.Create(CultureInfo.InvariantCulture, $"h{c.Horizon}={c.Model}")));

    private static double[] LogResiduals(double[] actual, double[] forecast)
    {
        var residuals = new double[actual.Length];
        for (var i = 0; i < actual.Length; i++)
        {
            residuals[i] = Math.Log(1 + actual[i]) - Math.Log(1 + Math.Max(0, forecast[i]));
        }
        return residuals;
    }

    private static double Finite(double value) => double.IsFinite(value) ? value : 0;
}
