namespace Tandem.Core.Telemetry;

/// <summary>
/// What the HTTP cache reports: how each cacheable request of a route was served, and the store's size (read when
/// metrics are scraped). Concurrency: <see cref="Served"/> is called from any request thread.
/// </summary>
public interface ICacheTelemetry
{
    /// <summary>A request of <paramref name="route"/> was served with <paramref name="outcome"/>.</summary>
    void Served(string route, CacheOutcome outcome);

    /// <summary>
    /// A background refresh of <paramref name="route"/> (stale-while-revalidate) is over: <paramref name="ok"/> when the
    /// server answered (a new response or a 304), false when it failed or answered 5xx.
    /// </summary>
    void Refreshed(string route, bool ok)
    {
    }

    /// <summary>Where the store's size and state are read from (the last call wins); called when the cache is built.</summary>
    void ObserveStore(Func<CacheStoreStats> read);
}

/// <summary>An <see cref="ICacheTelemetry"/> that records nothing.</summary>
public sealed class NullCacheTelemetry : ICacheTelemetry
{
    public static readonly NullCacheTelemetry Instance = new();

    public void Served(string route, CacheOutcome outcome)
    {
    }

    public void ObserveStore(Func<CacheStoreStats> read)
    {
    }
}
