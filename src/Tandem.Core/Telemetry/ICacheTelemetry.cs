namespace Tandem.Core.Telemetry;

/// <summary>
/// What the HTTP cache reports: how each cacheable request of a route was served, and the store's size (read when
/// metrics are scraped). Concurrency: <see cref="Served"/> is called from any request thread.
/// </summary>
public interface ICacheTelemetry
{
    /// <summary>A request of <paramref name="route"/> was served with <paramref name="outcome"/>.</summary>
    void Served(string route, CacheOutcome outcome);

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
