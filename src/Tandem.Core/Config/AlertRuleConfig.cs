namespace Tandem.Core.Config;

/// <summary>One entry of <c>alerts.rules</c>.</summary>
public sealed record AlertRuleConfig
{
    /// <summary>Key <c>name</c>: the <c>alertname</c> label; unique among the rules.</summary>
    public required string Name { get; init; }

    /// <summary>Key <c>level</c>: warning, critical or disaster.</summary>
    public required AlertLevel Level { get; init; }

    /// <summary>Key <c>condition</c>.</summary>
    public required AlertCondition Condition { get; init; }

    /// <summary>Key <c>for</c>: how long the condition must hold before the alert fires; 0 when absent.</summary>
    public TimeSpan For { get; init; }

    /// <summary>Key <c>keep-firing-for</c>: how long a firing alert stays firing after its condition cleared; 0 when absent.</summary>
    public TimeSpan KeepFiringFor { get; init; }

    /// <summary>Key <c>window</c>: the span that rate, error-rate and latency conditions are measured over; <see cref="ConfigDefaults.AlertWindow"/> when absent.</summary>
    public TimeSpan? Window { get; init; }

    /// <summary>Key <c>pool</c>: only this pool.</summary>
    public string? Pool { get; init; }

    /// <summary>Key <c>server</c>: only servers of this name (with <c>pool</c>, of that pool).</summary>
    public string? Server { get; init; }

    /// <summary>Key <c>summary</c>: the summary annotation; generated from the condition when absent.</summary>
    public string? Summary { get; init; }
}
