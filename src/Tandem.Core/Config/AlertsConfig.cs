namespace Tandem.Core.Config;

/// <summary>
/// YAML <c>alerts</c>: rules evaluated on a timer and, optionally, webhooks that receive their notifications in the
/// Alertmanager webhook format. Without the section the default rules apply (<see cref="AlertDefaults.Rules"/>).
/// </summary>
public sealed record AlertsConfig
{
    /// <summary>Key <c>webhook</c>: one URL or a list of URLs; empty means alerts are only logged and shown.</summary>
    public IReadOnlyList<Uri> Webhooks { get; init; } = [];

    /// <summary>Key <c>evaluate-every</c>; <see cref="ConfigDefaults.AlertEvaluateEvery"/> when absent.</summary>
    public TimeSpan? EvaluateEvery { get; init; }

    /// <summary>Key <c>node</c>: the <c>node</c> label of every alert; <c>pair.node</c> or the host name when absent.</summary>
    public string? Node { get; init; }

    /// <summary>Key <c>rules</c>: the rules; null (key absent) means the default rules.</summary>
    public IReadOnlyList<AlertRuleConfig>? Rules { get; init; }
}
