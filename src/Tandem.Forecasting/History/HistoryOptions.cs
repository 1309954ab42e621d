using Tandem.Core.Config;

namespace Tandem.Forecasting.History;

/// <summary>The <c>forecast</c> section with its defaults applied.</summary>
public sealed record HistoryOptions(string DataDir, TimeSpan MinuteRetention, TimeSpan HourRetention, TimeSpan RetrainInterval)
{
    /// <summary>Applies <see cref="ConfigDefaults"/> to <paramref name="config"/> (all defaults when null).</summary>
    public static HistoryOptions From(ForecastConfig? config) => new(
        config?.DataDir ?? ConfigDefaults.ForecastDataDir,
        TimeSpan.FromDays(config?.MinuteRetentionDays ?? ConfigDefaults.MinuteRetentionDays),
        TimeSpan.FromDays(config?.HourRetentionDays ?? ConfigDefaults.HourRetentionDays),
        config?.RetrainInterval ?? ConfigDefaults.RetrainInterval);
}
