using Microsoft.Extensions.Logging;

namespace Tandem.Observability.Alerts;

/// <summary>
/// The alerting's log lines (event ids 3000-3099). A rule going pending and back to inactive is routine on a busy box
/// (debug); firing is a warning, resolving is information.
/// </summary>
internal static partial class AlertsLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "Alert {Rule} pending {{{Labels}}}: {Description}")]
    public static partial void Pending(ILogger logger, string rule, string labels, string description);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Alert {Rule} ({Severity}) firing {{{Labels}}}: {Description}")]
    public static partial void Firing(ILogger logger, string rule, string severity, string labels, string description);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Alert {Rule} resolved {{{Labels}}}: {Reason} after {Duration}")]
    public static partial void Resolved(ILogger logger, string rule, string labels, string reason, TimeSpan duration);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Alert {Rule} back to inactive {{{Labels}}}: condition cleared before its 'for'")]
    public static partial void Cleared(ILogger logger, string rule, string labels);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Evaluating alert rules failed")]
    public static partial void EvaluationFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Alert notification {Status} {Fingerprint} sent to {Webhook} (attempt {Attempt})")]
    public static partial void Sent(ILogger logger, string status, string fingerprint, string webhook, int attempt);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Alert notification to {Webhook} failed (attempt {Attempt} of {Attempts}): {Error}; retrying in {Delay}")]
    public static partial void Retrying(ILogger logger, string webhook, int attempt, int attempts, string error, TimeSpan delay);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Error, Message = "Alert notification {Status} {Fingerprint} to {Webhook} given up after {Attempts} attempts: {Error}")]
    public static partial void GaveUp(ILogger logger, string status, string fingerprint, string webhook, int attempts, string error);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Error, Message = "Alert notification queue to {Webhook} full: dropped the oldest notification")]
    public static partial void Dropped(ILogger logger, string webhook);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Alerting: {Rules} rules, evaluated every {Interval}, node label {Node}, {Webhooks} webhooks")]
    public static partial void Configured(ILogger logger, int rules, TimeSpan interval, string node, int webhooks);
}
