using Tandem.Core.Config;

namespace Tandem.Observability.Alerts;

/// <summary>Where an alert is in its lifecycle: inactive → pending → firing → resolved.</summary>
public static class AlertStates
{
    public const string Pending = "pending";
    public const string Firing = "firing";
    public const string Resolved = "resolved";

    /// <summary>The condition cleared while pending: back to inactive, without notifications.</summary>
    public const string Inactive = "inactive";
}

/// <summary>An alert or a transition as the admin API shows it.</summary>
/// <param name="Name">The rule's name (the <c>alertname</c> label).</param>
/// <param name="Level">warning, critical or disaster (the <c>severity</c> label).</param>
/// <param name="Labels">alertname, severity, pool, server (when they apply) and node.</param>
/// <param name="State">pending, firing, resolved or inactive.</param>
/// <param name="Since">When it entered that state.</param>
/// <param name="Value">The last value seen (1 for state conditions).</param>
/// <param name="Summary">The summary annotation.</param>
/// <param name="Description">What was seen.</param>
public sealed record AlertView(string Name, string Level, IReadOnlyDictionary<string, string> Labels, string State, DateTimeOffset Since,
    double Value, string Summary, string Description);

/// <summary><c>GET /api/alerts</c>: firing and pending alerts, and the last 50 transitions, newest first.</summary>
public sealed record AlertsView(IReadOnlyList<AlertView> Firing, IReadOnlyList<AlertView> Pending, IReadOnlyList<AlertView> Recent);

/// <summary>A firing or resolved alert handed to the notifier.</summary>
/// <param name="Status">firing or resolved.</param>
/// <param name="Labels">The alert's labels.</param>
/// <param name="Summary">The summary annotation.</param>
/// <param name="Description">The description annotation.</param>
/// <param name="StartsAt">When it started firing.</param>
/// <param name="EndsAt">When it resolved; null while firing.</param>
/// <param name="Fingerprint">A hash of the labels, stable across transitions.</param>
public sealed record AlertNotice(string Status, IReadOnlyDictionary<string, string> Labels, string Summary, string Description,
    DateTimeOffset StartsAt, DateTimeOffset? EndsAt, string Fingerprint);

internal static class AlertLevels
{
    public static string Name(AlertLevel level) => level switch
    {
        AlertLevel.Warning => "warning",
        AlertLevel.Critical => "critical",
        _ => "disaster",
    };
}
