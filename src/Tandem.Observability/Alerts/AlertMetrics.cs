using Prometheus;
using Tandem.Core.Config;

namespace Tandem.Observability.Alerts;

/// <summary><c>tandem_alerts_firing</c> and <c>tandem_alert_notifications_total</c>, on the node's registry.</summary>
public sealed class AlertMetrics
{
    private readonly Gauge _firing;
    private readonly Counter _notifications;

    public AlertMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _firing = factory.CreateGauge("tandem_alerts_firing", "Alerts firing now, by rule (alertname) and severity.", ["alertname", "severity"]);
        _notifications = factory.CreateCounter("tandem_alert_notifications_total",
            "Webhook notifications by result: sent, retried (an attempt failed), failed (given up), dropped (queue full).", ["result"]);
    }

    internal void Firing(AlertRuleConfig rule, int delta) => _firing.WithLabels(rule.Name, AlertLevels.Name(rule.Level)).Inc(delta);

    internal void Notification(string result) => _notifications.WithLabels(result).Inc();
}
