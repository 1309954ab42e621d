namespace Tandem.Observability.Live;

/// <summary>One second of one series: requests/s, share of 5xx, latency quantiles (seconds; NaN with no requests).</summary>
public readonly record struct LiveSample(DateTimeOffset At, double RequestsPerSecond, double ErrorRate, double P50, double P99);
