namespace Tandem.Core.Config;

/// <summary>
/// A route's <c>cache</c> (<c>true</c>, or <c>{ enabled, heuristic, stale-while-revalidate, stale-if-error,
/// x-cache-header, collapse-timeout }</c>): Tandem answers the route's GET and HEAD requests from its shared cache as
/// RFC 9111 allows. The stale windows are defaults the server's own <c>Cache-Control</c> replaces.
/// </summary>
public sealed record RouteCacheConfig
{
    /// <summary>How long concurrent misses of one object wait for the first one's response when <c>collapse-timeout</c> is not given: 5 s.</summary>
    public static readonly TimeSpan DefaultCollapseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Key <c>enabled</c>: default true (<c>enabled: false</c> keeps the section but stops caching).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Key <c>heuristic</c> as a fraction (<c>10%</c>: 0.1): a response without explicit freshness but with
    /// <c>Last-Modified</c> is fresh for this share of its age (RFC 9111 §4.2.2). Null with <see cref="HeuristicFixed"/> null: off (default).
    /// </summary>
    public double? HeuristicFraction { get; init; }

    /// <summary>Key <c>heuristic</c> as a duration: such a response is fresh this long.</summary>
    public TimeSpan? HeuristicFixed { get; init; }

    /// <summary>Key <c>stale-while-revalidate</c>: how long a stale object may be served while one request refreshes it; default none.</summary>
    public TimeSpan StaleWhileRevalidate { get; init; }

    /// <summary>Key <c>stale-if-error</c>: how long a stale object may be served when no server can answer; default none.</summary>
    public TimeSpan StaleIfError { get; init; }

    /// <summary>Key <c>x-cache-header</c>: add <c>X-Cache: HIT|MISS|STALE|REVALIDATED</c> to the route's GET and HEAD responses; default false.</summary>
    public bool XCacheHeader { get; init; }

    /// <summary>Key <c>collapse-timeout</c>: see <see cref="DefaultCollapseTimeout"/>; after it a waiting miss goes to a server itself.</summary>
    public TimeSpan CollapseTimeout { get; init; } = DefaultCollapseTimeout;
}
