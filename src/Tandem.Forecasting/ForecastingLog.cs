using Microsoft.Extensions.Logging;

namespace Tandem.Forecasting;

/// <summary>The forecasting models' log lines, with stable event ids (4000-4099).</summary>
internal static partial class ForecastingLog
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
}
