namespace Tandem.Core.Config;

/// <summary>Traffic history and forecasting for the whole node (YAML root <c>forecast</c>).</summary>
public sealed record ForecastConfig
{
    /// <summary>Key <c>data-dir</c>: where the history database and trained models live; <see cref="ConfigDefaults.ForecastDataDir"/> when absent.</summary>
    public string? DataDir { get; init; }

    /// <summary>Key <c>minute-retention-days</c>: per-minute counts are kept this many days (1..366); default 14.</summary>
    public int? MinuteRetentionDays { get; init; }

    /// <summary>Key <c>hour-retention-days</c>: hourly counts are kept this many days (1..3660); default 730.</summary>
    public int? HourRetentionDays { get; init; }

    /// <summary>Key <c>retrain-interval</c>: how often models are retrained in the background; default 6 h.</summary>
    public TimeSpan? RetrainInterval { get; init; }
}

/// <summary>Scaling ahead of a predicted peak (YAML <c>pools[].scale-ahead</c>).</summary>
public sealed record ScaleAheadConfig
{
    /// <summary>Key <c>lead</c>: how far ahead the forecast is checked (and how early actions run); default 15 m.</summary>
    public TimeSpan? Lead { get; init; }

    /// <summary>Key <c>threshold</c>: the share of capacity (0..1, written <c>80%</c>) above which the pool counts as overloaded; default 0.8.</summary>
    public double? Threshold { get; init; }

    /// <summary>Key <c>actions</c>: what to do when an overload is predicted; only the "predicted overload" signal when empty.</summary>
    public IReadOnlyList<ScaleAction> Actions { get; init; } = [];
}

/// <summary>The kinds of <c>scale-ahead.actions[]</c>.</summary>
public enum ScaleActionKind
{
    /// <summary><c>wake-backups</c>: put backup servers into rotation (with slow start) before the peak.</summary>
    WakeBackups,

    /// <summary><c>webhook: URL</c>: POST the prediction as JSON.</summary>
    Webhook,

    /// <summary><c>command: "..."</c>: run a program with the prediction as arguments and environment variables.</summary>
    Command,
}

/// <summary>One scale-ahead action.</summary>
/// <param name="Kind">What it does.</param>
/// <param name="Target">The webhook URL or the command line; null for <c>wake-backups</c>.</param>
/// <param name="Timeout">Key <c>timeout</c> of a webhook or command: its run time is bounded by this; default 10 s.</param>
public sealed record ScaleAction(ScaleActionKind Kind, string? Target = null, TimeSpan? Timeout = null);
