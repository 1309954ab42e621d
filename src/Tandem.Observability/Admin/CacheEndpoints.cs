using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tandem.Core.Runtime;
using Tandem.Observability.Metrics;

namespace Tandem.Observability.Admin;

/// <summary>
/// <c>GET /api/cache</c>: the store's size and each caching route's counts and hit ratio. <c>DELETE /api/cache?url=|prefix=|tag=</c>:
/// a purge, on this node, the shared tier and (through it or the pair) the other node; it needs the admin token like
/// every other change.
/// </summary>
public static class CacheEndpoints
{
    public static IEndpointRouteBuilder MapCacheApi(this IEndpointRouteBuilder endpoints, ICacheAdmin cache, CacheMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(metrics);
        endpoints.MapGet("/api/cache", () => Results.Json(CacheView.From(cache.Stats, metrics.Counts()), CacheJsonContext.Relaxed.CacheView));
        endpoints.MapDelete("/api/cache", async (HttpRequest request) =>
        {
            var given = new List<(CachePurgeScope Scope, string Value)>(1);
            foreach (var (name, scope) in new[] { ("url", CachePurgeScope.Url), ("prefix", CachePurgeScope.Prefix), ("tag", CachePurgeScope.Tag) })
            {
                if (request.Query.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value))
                {
                    given.Add((scope, value.ToString().Trim()));
                }
            }
            if (given.Count != 1)
            {
                return AdminEndpoints.Error(StatusCodes.Status400BadRequest, "give exactly one of url=, prefix= or tag=");
            }
            var result = await cache.PurgeAsync(given[0].Scope, given[0].Value, request.HttpContext.RequestAborted);
            return result is null
                ? AdminEndpoints.Error(StatusCodes.Status404NotFound, "no route caches (no listener route has cache)")
                : Results.Json(new CachePurgeView(given[0].Scope.ToString().ToLowerInvariant(), result.Selector, result.Memory, result.Shared),
                    CacheJsonContext.Relaxed.CachePurgeView);
        });
        return endpoints;
    }
}

/// <summary>
/// The body of <c>GET /api/cache</c>: whether any route caches, the memory tier's objects, bytes and bound, whether a
/// shared tier (<c>cache.redis</c>) is configured and answers, and each caching route's counts.
/// </summary>
public sealed record CacheView(bool Enabled, long Objects, long Bytes, long Capacity, bool Shared, bool SharedUp, IReadOnlyList<CacheRouteView> Routes)
{
    internal static CacheView From(Core.Telemetry.CacheStoreStats? stats, IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> counts)
    {
        var routes = new List<CacheRouteView>(counts.Count);
        foreach (var (route, c) in counts)
        {
            var hits = c.GetValueOrDefault("hit") + c.GetValueOrDefault("stale") + c.GetValueOrDefault("revalidated");
            var total = hits + c.GetValueOrDefault("miss");
            routes.Add(new CacheRouteView(route, c.GetValueOrDefault("hit"), c.GetValueOrDefault("miss"), c.GetValueOrDefault("stale"),
                c.GetValueOrDefault("revalidated"), c.GetValueOrDefault("bypass"), total == 0 ? null : Math.Round((double)hits / total, 4)));
        }
        return stats is { } s
            ? new CacheView(true, s.Objects, s.Bytes, s.Capacity, s.SharedTier, s.SharedAvailable, routes)
            : new CacheView(false, 0, 0, 0, false, false, routes);
    }
}

/// <summary>One caching route's counts; its hit ratio is hit, stale and revalidated over those plus misses (null before any).</summary>
public sealed record CacheRouteView(string Route, long Hit, long Miss, long Stale, long Revalidated, long Bypass, double? HitRatio);

/// <summary>The body of a purge's answer: what was purged and how many objects went here and in the shared tier (-1: none, or it did not answer).</summary>
public sealed record CachePurgeView(string Scope, string Selector, int Memory, long Shared);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CacheView))]
[JsonSerializable(typeof(CachePurgeView))]
internal sealed partial class CacheJsonContext : JsonSerializerContext
{
    public static CacheJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
