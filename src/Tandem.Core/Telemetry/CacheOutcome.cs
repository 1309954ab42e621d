namespace Tandem.Core.Telemetry;

/// <summary>How the cache served a request (the <c>X-Cache</c> header, the access log's <c>cache</c> field, the metric's <c>result</c>).</summary>
public enum CacheOutcome
{
    /// <summary>The route does not cache, or the request was not one the cache looks at.</summary>
    None,

    /// <summary>A fresh stored response.</summary>
    Hit,

    /// <summary>From a server, stored if it could be.</summary>
    Miss,

    /// <summary>A stale stored response (stale-while-revalidate, stale-if-error, max-stale).</summary>
    Stale,

    /// <summary>A stored response the server confirmed with 304.</summary>
    Revalidated,

    /// <summary>Passed to a server without looking at the cache (unsafe method, no-store request...).</summary>
    Bypass,

    /// <summary>
    /// A request the cache made by itself: the background refresh of a stale response served under
    /// <c>stale-while-revalidate</c> (its own access-log line; counted in <c>tandem_cache_refreshes_total</c>, not as a request).
    /// </summary>
    Refresh,
}

/// <summary>Names of <see cref="CacheOutcome"/> as headers, logs and metrics write them.</summary>
public static class CacheOutcomes
{
    public static string Name(CacheOutcome outcome) => outcome switch
    {
        CacheOutcome.Hit => "HIT",
        CacheOutcome.Miss => "MISS",
        CacheOutcome.Stale => "STALE",
        CacheOutcome.Revalidated => "REVALIDATED",
        CacheOutcome.Bypass => "BYPASS",
        CacheOutcome.Refresh => "REFRESH",
        _ => "",
    };
}

/// <summary>The store's size and state at one moment.</summary>
public readonly record struct CacheStoreStats(long Objects, long Bytes, long Capacity, bool SharedTier, bool SharedAvailable);
