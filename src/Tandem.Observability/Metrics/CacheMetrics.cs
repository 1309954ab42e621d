using System.Collections.Concurrent;
using Prometheus;
using Tandem.Core.Telemetry;

namespace Tandem.Observability.Metrics;

/// <summary>
/// The HTTP cache's series: <c>tandem_cache_requests_total{route,result}</c> (hit, miss, stale, revalidated, bypass;
/// the hit ratio is hits over the sum) and the store's <c>tandem_cache_objects</c>, <c>tandem_cache_bytes</c>,
/// <c>tandem_cache_capacity_bytes</c> and <c>tandem_cache_shared_up</c>, read when scraped; and
/// <c>tandem_cache_refreshes_total{route,outcome}</c> (ok, failed), the requests the cache made by itself to refresh a
/// stale response in the background (stale-while-revalidate). A route's children are
/// resolved once and kept, so counting allocates nothing. Thread-safe.
/// </summary>
public sealed class CacheMetrics : ICacheTelemetry
{
    private static readonly CacheOutcome[] Outcomes = [CacheOutcome.Hit, CacheOutcome.Miss, CacheOutcome.Stale, CacheOutcome.Revalidated, CacheOutcome.Bypass];

    private readonly Counter _requests;
    private readonly Counter _refreshes;
    private readonly Gauge _objects;
    private readonly Gauge _bytes;
    private readonly Gauge _capacity;
    private readonly Gauge _sharedUp;
    private readonly ConcurrentDictionary<string, Counter.Child[]> _routes = new(StringComparer.Ordinal);
    private Func<CacheStoreStats>? _store;

    public CacheMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _requests = factory.CreateCounter("tandem_cache_requests_total",
            "Requests of caching routes, by route and how the cache served them (hit, miss, stale, revalidated, bypass).", ["route", "result"]);
        _refreshes = factory.CreateCounter("tandem_cache_refreshes_total",
            "Background refreshes of stale responses (stale-while-revalidate) the cache sent to the servers, by route and outcome (ok, failed).", ["route", "outcome"]);
        _objects = factory.CreateGauge("tandem_cache_objects", "Objects in the cache's memory tier.");
        _bytes = factory.CreateGauge("tandem_cache_bytes", "Bytes (bodies and headers) in the cache's memory tier.");
        _capacity = factory.CreateGauge("tandem_cache_capacity_bytes", "The memory tier's bound (cache.memory).");
        _sharedUp = factory.CreateGauge("tandem_cache_shared_up", "1 while the shared tier (cache.redis) answers, 0 while it does not; absent without one.");
        registry.AddBeforeCollectCallback(Collect);
    }

    public void Served(string route, CacheOutcome outcome)
    {
        if (outcome is CacheOutcome.None or > CacheOutcome.Bypass)
        {
            return;
        }
        var children = _routes.GetOrAdd(route, static (name, counter) =>
        {
            var array = new Counter.Child[Outcomes.Length];
            for (var i = 0; i < array.Length; i++)
            {
                array[i] = counter.WithLabels(name, CacheOutcomes.Name(Outcomes[i]).ToLowerInvariant());
            }
            return array;
        }, _requests);
        children[(int)outcome - 1].Inc();
    }

    /// <summary>Off the request path (one per background refresh): the child is looked up each time.</summary>
    public void Refreshed(string route, bool ok) => _refreshes.WithLabels(route, ok ? "ok" : "failed").Inc();

    public void ObserveStore(Func<CacheStoreStats> read) => Volatile.Write(ref _store, read);

    /// <summary>The store's size now; null when no cache was built.</summary>
    public CacheStoreStats? Store => Volatile.Read(ref _store)?.Invoke();

    /// <summary>Requests per route and result so far, for <c>GET /api/cache</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Counts()
    {
        var result = new SortedDictionary<string, IReadOnlyDictionary<string, long>>(StringComparer.Ordinal);
        foreach (var (route, children) in _routes)
        {
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var i = 0; i < children.Length; i++)
            {
                counts[CacheOutcomes.Name(Outcomes[i]).ToLowerInvariant()] = (long)children[i].Value;
            }
            result[route] = counts;
        }
        return result;
    }

    private void Collect()
    {
        if (Volatile.Read(ref _store) is not { } read)
        {
            return;
        }
        var stats = read();
        _objects.Set(stats.Objects);
        _bytes.Set(stats.Bytes);
        _capacity.Set(stats.Capacity);
        if (stats.SharedTier)
        {
            _sharedUp.Set(stats.SharedAvailable ? 1 : 0);
        }
    }
}
