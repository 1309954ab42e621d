using Tandem.Core.Config;

namespace Tandem.Proxy.Caching;

/// <summary>
/// How long a stored response is fresh for a shared cache (RFC 9111 §4.2.1): <c>s-maxage</c>, then <c>max-age</c>,
/// then <c>Expires</c> minus <c>Date</c>, then, only where the route allows it (<c>heuristic</c>), a share of the time since
/// <c>Last-Modified</c> or a fixed time (§4.2.2), for the statuses that are heuristically cacheable. Pure.
/// </summary>
internal static class Freshness
{
    /// <summary>The statuses a cache may store and give a heuristic lifetime (RFC 9110 §15.1).</summary>
    public static bool HeuristicallyCacheable(int status) => status is 200 or 203 or 204 or 206 or 300 or 301 or 308 or 404 or 405 or 410 or 414 or 501;

    /// <summary>Whether the response carries a lifetime of its own (or is public, which allows a heuristic one).</summary>
    public static bool HasExplicitLifetime(CacheDirectives directives, bool hasExpires) =>
        directives.SharedMaxAge is not null || directives.MaxAge is not null || hasExpires;

    public static TimeSpan Lifetime(CachedResponse response, RouteCacheConfig route)
    {
        var d = response.Directives;
        if (d.SharedMaxAge is { } shared)
        {
            return shared;
        }
        if (d.MaxAge is { } maxAge)
        {
            return maxAge;
        }
        if (response.Expires is { } expires)
        {
            return expires > response.Date ? expires - response.Date : TimeSpan.Zero;
        }
        return Heuristic(response.Status, response.LastModified, response.Date, route);
    }

    /// <summary>The heuristic lifetime the route allows for a response without an explicit one; zero when it allows none.</summary>
    public static TimeSpan Heuristic(int status, DateTimeOffset? lastModified, DateTimeOffset date, RouteCacheConfig route)
    {
        if (!HeuristicallyCacheable(status))
        {
            return TimeSpan.Zero;
        }
        if (route.HeuristicFixed is { } fixedLifetime)
        {
            return fixedLifetime;
        }
        if (route.HeuristicFraction is { } fraction && lastModified is { } modified && modified < date)
        {
            return (date - modified) * fraction;
        }
        return TimeSpan.Zero;
    }

    /// <summary>Whether a stale response must not be served without revalidation (§4.2.4: must-revalidate, and for a shared cache proxy-revalidate and s-maxage).</summary>
    public static bool MustRevalidateWhenStale(CacheDirectives d) => d.MustRevalidate || d.ProxyRevalidate || d.SharedMaxAge is not null;
}
