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
