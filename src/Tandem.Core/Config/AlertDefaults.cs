namespace Tandem.Core.Config;

/// <summary>The design document's three levels and a certificate expiry warning, in force when the config has no <c>alerts.rules</c>.</summary>
public static class AlertDefaults
{
    public static readonly IReadOnlyList<AlertRuleConfig> Rules =
    [
        new AlertRuleConfig
        {
            Name = "NodeCpuHigh",
            Level = AlertLevel.Warning,
            Condition = Parse("node-cpu > 70"),
            For = TimeSpan.FromMinutes(5),
            Summary = "CPU of the node over 70% for 5 minutes",
        },
        new AlertRuleConfig
        {
            Name = "ServerDown",
            Level = AlertLevel.Critical,
            Condition = Parse("server-down"),
            For = TimeSpan.FromSeconds(30),
            Summary = "a server (service) down for more than 30 s",
        },
        new AlertRuleConfig
        {
            Name = "PrimaryNodeDown",
            Level = AlertLevel.Disaster,
            Condition = Parse("primary-down"),
            Summary = "the primary node of the pair is down",
        },
        new AlertRuleConfig
        {
            Name = "CertificateExpiresSoon",
            Level = AlertLevel.Warning,
            Condition = Parse("certificate-expiry < 14d"),
            Summary = "a TLS certificate expires within 14 days",
        },
    ];

    private static AlertCondition Parse(string text) =>
        AlertCondition.TryParse(text, out var condition, out var error) ? condition! : throw new InvalidOperationException(error);
}
