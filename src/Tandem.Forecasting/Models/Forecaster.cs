using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tandem.Forecasting.Models;

/// <summary>
/// Trains every candidate model on a history and forecasts with, per horizon, either the error-weighted combination
/// of the models or the single model that validated best, whichever did better on the validation days, with an
/// interval (p10..p90 by default) from the forecaster's own recent residuals.
/// Training: the candidates are fitted on the history minus its last <see cref="ForecasterOptions.ValidationDays"/>
/// days and kept as fitted, so every forecast after that point is out of sample: the selection, the combination's
/// weights (1 / MAE^power over the last <see cref="ForecasterOptions.CombinationHours"/>) and the interval (quantiles
/// over the last <see cref="ForecasterOptions.CalibrationHours"/>) all judge the models on hours they never saw.
/// Immutable after training except for the forecasts it remembers (<see cref="ForecastTrack"/>); <see cref="Forecast"/>
/// may be called from any thread, concurrent calls are serialized by a lock (forecasting is off the request path).
/// </summary>
public sealed class Forecaster : IForecaster
{
    /// <summary>The model name reported for a forecast that is the combination.</summary>
    public const string CombinationName = "combination";

    private readonly ForecastTrack _track;
    private readonly HorizonChoice[] _choices;
    private readonly Lock _gate = new();

    private Forecaster(ForecastTrack track, HorizonChoice[] choices)
    {
        _track = track;
        _choices = choices;
        track.Choose(choices);
    }

    /// <summary>The choice for horizons 1..MaxHorizon (index h-1).</summary>
    public IReadOnlyList<HorizonChoice> Choices => _choices;

    public int MaxHorizon => _choices.Length;

    /// <summary>The first hour the models did not train on.</summary>
    public DateTimeOffset FitEnd => _track.FitEnd;

    /// <summary>For the backtest: the remembered forecasts, bound to a series with <see cref="ForecastTrack.Bind"/>; not thread-safe.</summary>
    internal ForecastTrack Track => _track;

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
        var track = new ForecastTrack([.. models.Values], options.MaxHorizon, history.HourAt(fitEnd), options);
        track.Bind(history);
        var choices = ForecastSelection.Choose(track, history, fitEnd, options);
        if (options.RefitOnWholeHistory)
        {
            // The choices, weights and band were judged out of sample; the models that forecast from now on learn from
            // every hour, the validation days included (a level that moved there is in their training data).
            var latest = FitAll(history, history.Count, options, logger, cancellationToken);
            track.UseLatest([.. latest.Values], history.HourAt(history.Count - 1));
        }
        if (logger.IsEnabled(LogLevel.Information))
        {
#pragma warning disable CA1873 // guarded by IsEnabled above
            ForecastLog.Selected(logger, Describe(choices));
#pragma warning restore CA1873
        }
        return new Forecaster(track, choices);
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
            var model = ModelCatalog.Create(name, options.Seed, options.TrainingSampleUpdates);
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

    public IReadOnlyList<HourForecast> Forecast(HourlySeries history, int hours)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfLessThan(hours, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hours, MaxHorizon);
        var origin = history.Count - 1;
        var result = new HourForecast[hours];
        lock (_gate)
        {
            _track.Bind(history);
            for (var horizon = 1; horizon <= hours; horizon++)
            {
                var (mean, used) = origin < 0 ? (double.NaN, _choices[horizon - 1].Model) : _track.Chosen(origin, horizon);
                var (lower, upper) = origin < 0 ? (double.NaN, double.NaN) : _track.Interval(origin, horizon, mean);
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
        ForecasterFile.Write(path, new ForecasterFile.Content(ForecasterFile.CurrentVersion, _track.FitEnd, _track.LatestFrom, _choices,
            States(_track.Models), _track.LatestFrom is null ? [] : States(_track.Latest)));
        ForecastLog.Saved(logger ?? NullLogger.Instance, path);
        return path;
    }

    private static List<ModelState> States(IReadOnlyList<IForecastModel> models) =>
        [.. models.Select(model => model is IPersistentModel persistent ? persistent.Save() : ModelState.Empty(model.Name))];

    /// <summary>Loads what <see cref="Save"/> wrote; throws <see cref="InvalidDataException"/> for a missing, foreign or damaged file.</summary>
    public static Forecaster Load(string directory, ForecasterOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = Path.Combine(directory, ForecasterFile.FileName);
        var content = ForecasterFile.Read(path);
        var models = Restore(path, content.Models, options);
        foreach (var choice in content.Choices)
        {
            foreach (var candidate in choice.Ranking)
            {
                if (!models.Any(m => m.Name == candidate.Model))
                {
                    throw new InvalidDataException($"{path}: horizon {choice.Horizon} ranks model '{candidate.Model}' which the file does not contain");
                }
            }
        }
        var track = new ForecastTrack([.. models], content.Choices.Count, content.FitEnd, options);
        if (content.LatestFrom is { } from)
        {
            var latest = Restore(path, content.Latest, options);
            if (!latest.Select(m => m.Name).SequenceEqual(models.Select(m => m.Name)))
            {
                throw new InvalidDataException($"{path}: the refitted models do not match the fitted ones");
            }
            track.UseLatest([.. latest], from);
        }
        ForecastLog.Loaded(logger ?? NullLogger.Instance, path);
        return new Forecaster(track, [.. content.Choices]);
    }

    private static List<IForecastModel> Restore(string path, IReadOnlyList<ModelState> states, ForecasterOptions options)
    {
        var models = new List<IForecastModel>();
        foreach (var state in states)
        {
            IForecastModel model;
            try
            {
                model = ModelCatalog.Create(state.Model, options.Seed);
                if (model is IPersistentModel persistent)
                {
                    persistent.Load(state);
                }
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{path}: model '{state.Model}': {e.Message}", e);
            }
            models.Add(model);
        }
        return models;
    }

    internal static string Describe(IReadOnlyList<HorizonChoice> choices) =>
        string.Join(", ", choices.Select(c => string.Create(CultureInfo.InvariantCulture, $"h{c.Horizon}={(c.Combine ? CombinationName : c.Model)}")));
}
