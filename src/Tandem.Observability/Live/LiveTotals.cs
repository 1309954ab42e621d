namespace Tandem.Observability.Live;

/// <summary>
/// Cumulative counts of a route or a layer-4 listener, read once per tick from the counters the data path already keeps:
/// <see cref="Events"/> (requests, or connections opened), <see cref="Errors"/> (5xx, or connections that failed),
/// <see cref="Seconds"/> and <see cref="Timed"/> (the duration histogram's sum and count), bytes, and what is open now.
/// </summary>
public readonly record struct LiveTotals(long Events, long Errors, double Seconds = 0, long Timed = 0, double BytesIn = 0, double BytesOut = 0, long Active = 0);

/// <summary>
/// Rates of a route or a layer-4 listener over the last few ticks (<see cref="RateSeries.WindowTicks"/>): events and bytes
/// per second, the share of errors, the mean duration (NaN without events); <see cref="Active"/> and the totals are as of the last tick.
/// </summary>
public readonly record struct LiveRate(double PerSecond, double ErrorRate, double MeanSeconds, double BytesInPerSecond, double BytesOutPerSecond,
    long Active, long Total, long Errors);
