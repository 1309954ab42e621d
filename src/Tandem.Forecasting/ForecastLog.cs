using Microsoft.Extensions.Logging;

namespace Tandem.Forecasting;

/// <summary>
/// The forecasting log lines with stable event ids: models (4000-4099), traffic history and the scale-ahead planner
/// (4100-4199).
/// </summary>
internal static partial class ForecastLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Forecast training: {Hours} hours, fitting on {FitHours}, validating on the last {ValidationHours}, budget {Budget}")]
    public static partial void TrainingStarted(ILogger logger, int hours, int fitHours, int validationHours, TimeSpan budget);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Forecast model {Model} trained in {ElapsedMs} ms")]
    public static partial void ModelTrained(ILogger logger, string model, long elapsedMs);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Forecast training budget {Budget} exhausted; model {Model} keeps the weights reached so far")]
    public static partial void BudgetExhausted(ILogger logger, TimeSpan budget, string model);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Forecast selection: {Selection}")]
    public static partial void Selected(ILogger logger, string selection);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Forecast models saved to {Path}")]
    public static partial void Saved(ILogger logger, string path);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Forecast models loaded from {Path}")]
    public static partial void Loaded(ILogger logger, string path);

    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning, Message = "Traffic history could not be written: {Reason}")]
    public static partial void HistoryWriteFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Traffic history in {DataDir} (minutes kept {MinuteDays} days, hours {HourDays} days)")]
    public static partial void HistoryStarted(ILogger logger, string dataDir, double minuteDays, double hourDays);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Warning, Message = "Pool {Pool}: overload predicted within {Lead}: up to {Peak:F1} req/s against {Capacity:F1} req/s at the threshold; {Needed} servers needed")]
    public static partial void OverloadPredicted(ILogger logger, string pool, TimeSpan lead, double peak, double capacity, int needed);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Pool {Pool}: predicted load back under the smaller set's capacity; scaling back in ({Action})")]
    public static partial void ScaledIn(ILogger logger, string pool, string action);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Information, Message = "Pool {Pool}: {Action}")]
    public static partial void ActionTaken(ILogger logger, string pool, string action);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Warning, Message = "Pool {Pool}: scale action {Action} failed: {Reason}")]
    public static partial void ActionFailed(ILogger logger, string pool, string action, string reason);

    [LoggerMessage(EventId = 4114, Level = LogLevel.Warning, Message = "Pool {Pool}: planning round failed: {Reason}")]
    public static partial void PlanFailed(ILogger logger, string pool, string reason);

    [LoggerMessage(EventId = 4115, Level = LogLevel.Debug, Message = "Pool {Pool}: no capacity configured or learned yet; not planning")]
    public static partial void NoCapacity(ILogger logger, string pool);

    [LoggerMessage(EventId = 4120, Level = LogLevel.Information, Message = "Retrained forecasting models for {Series} series in {Elapsed}")]
    public static partial void Retrained(ILogger logger, int series, TimeSpan elapsed);

    [LoggerMessage(EventId = 4121, Level = LogLevel.Warning, Message = "Retraining failed: {Reason}")]
    public static partial void RetrainFailed(ILogger logger, string reason);
}
