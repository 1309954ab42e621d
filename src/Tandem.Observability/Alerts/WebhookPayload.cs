using System.Text.Json.Serialization;

namespace Tandem.Observability.Alerts;

/// <summary>The Alertmanager webhook body, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).</summary>
public sealed record WebhookPayload(
    string Version,
    string GroupKey,
    int TruncatedAlerts,
    string Status,
    string Receiver,
    IReadOnlyDictionary<string, string> GroupLabels,
    IReadOnlyDictionary<string, string> CommonLabels,
    IReadOnlyDictionary<string, string> CommonAnnotations,
    [property: JsonPropertyName("externalURL")] string ExternalUrl,
    IReadOnlyList<WebhookAlert> Alerts);

/// <summary>
/// One alert of a <see cref="WebhookPayload"/>. Times are UTC <see cref="DateTime"/>s so they serialize with a <c>Z</c>, as
/// Alertmanager writes them; <c>endsAt</c> is 0001-01-01T00:00:00Z while firing.
/// </summary>
public sealed record WebhookAlert(
    string Status,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTime StartsAt,
    DateTime EndsAt,
    [property: JsonPropertyName("generatorURL")] string GeneratorUrl,
    string Fingerprint);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(WebhookPayload))]
[JsonSerializable(typeof(AlertsView))]
internal sealed partial class AlertJsonContext : JsonSerializerContext
{
    /// <summary>Builds the body for one alert's transition: one group per alert, keyed by its labels.</summary>
    public static WebhookPayload Payload(AlertNotice notice, string externalUrl)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["summary"] = notice.Summary,
            ["description"] = notice.Description,
        };
        var alert = new WebhookAlert(notice.Status, notice.Labels, annotations, notice.StartsAt.UtcDateTime,
            notice.EndsAt?.UtcDateTime ?? global::System.DateTime.SpecifyKind(global::System.DateTime.MinValue, global::System.DateTimeKind.Utc),
            externalUrl.TrimEnd('/') + "/api/alerts", notice.Fingerprint);
        var groupKey = "{}:{alertname=\"" + notice.Labels["alertname"] + "\",fingerprint=\"" + notice.Fingerprint + "\"}";
        return new WebhookPayload("4", groupKey, 0, notice.Status, "tandem", new Dictionary<string, string>(), notice.Labels, annotations,
            externalUrl, [alert]);
    }
}
