using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Telemetry;

namespace Tandem.Proxy.Caching;

/// <summary>
/// The node's HTTP cache, shared by every route with <c>cache</c>: the memory tier, the optional shared tier, the
/// misses in flight (request collapsing) and purges. Look-ups go memory, then the shared tier (a hit there fills
/// memory); writes go to both. The shared tier is never trusted with the request: each call is bounded in time here
/// too, and a call that throws or hangs is a miss or a dropped write. Kept across reloads while <c>cache</c> stays.
/// Concurrency: any request thread; the tables are lock-free.
/// </summary>
internal sealed class HttpCache : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _flights = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly TimeSpan _sharedBound;

    public HttpCache(CacheConfig config, ISharedCacheTier? shared, TimeProvider time, ICacheTelemetry telemetry, ILogger logger)
    {
        Config = config;
        Shared = shared;
        Time = time;
        Telemetry = telemetry;
        _logger = logger;
        Memory = new MemoryCacheTier(config.Memory, time);
        // The tier bounds its own calls; this bound is for a tier that does not (a bug, a hung connect).
        _sharedBound = config.RedisTimeout * 2;
        if (shared is not null)
        {
            shared.Purged += OnPeerPurged;
        }
        telemetry.ObserveStore(Stats);
    }

    public CacheConfig Config { get; }

    public ILogger Logger => _logger;

    public MemoryCacheTier Memory { get; }

    public ISharedCacheTier? Shared { get; }

    public TimeProvider Time { get; }

    public ICacheTelemetry Telemetry { get; }

    public CacheStoreStats Stats() => new(Memory.Count, Memory.Bytes, Memory.Capacity, Shared is not null, Shared?.Available ?? false);

    /// <summary>The stored response for <paramref name="primary"/> that <paramref name="request"/> selects (its variant), or null.</summary>
    public async ValueTask<CachedResponse?> LookupAsync(string primary, HttpRequest request, CancellationToken cancellationToken)
    {
        var found = await GetAsync(primary, cancellationToken);
        if (found is null || !found.IsVaryMarker)
        {
            return found;
        }
        var variant = await GetAsync(CacheKeys.Variant(primary, found.VaryNames, request), cancellationToken);
        return variant is null || variant.IsVaryMarker ? null : variant;
    }

    /// <summary>
    /// Stores <paramref name="response"/> for <paramref name="primary"/> (under its variant key when it varies) until
    /// <paramref name="dropAt"/>, in memory and, when <paramref name="toShared"/>, in the shared tier with the same expiry.
    /// A vary marker lives as long as the longest-lived variant stored through this node. The shared write runs on its own.
    /// </summary>
    public void Store(string primary, CachedResponse response, bool toShared, DateTimeOffset dropAt)
    {
        var now = Time.GetUtcNow();
        if (dropAt <= now)
        {
            return;
        }
        if (response.VaryNames.Length == 0)
        {
            Memory.Set(primary, response, dropAt);
            if (toShared)
            {
                _ = SetSharedAsync(primary, response, dropAt, now);
            }
            return;
        }
        var marker = CachedResponse.VaryMarker(response.VaryNames, response.ResponseTime);
        var markerDrop = Memory.DropTimeOf(primary) is { } kept && kept > dropAt ? kept : dropAt;
        var variant = CacheKeys.Variant(primary, response.VaryValues);
        Memory.Set(primary, marker, markerDrop);
        Memory.Set(variant, response, dropAt);
        if (toShared)
        {
            _ = SetSharedAsync(primary, marker, markerDrop, now);
            _ = SetSharedAsync(variant, response, dropAt, now);
        }
    }

    /// <summary>Drops what <paramref name="purge"/> selects here and in the shared tier (which tells the other nodes); how many objects here.</summary>
    public async ValueTask<(int Memory, long Shared)> PurgeAsync(CachePurge purge, CancellationToken cancellationToken)
    {
        var local = PurgeLocal(purge);
        long shared = -1;
        if (Shared is not null)
        {
            try
            {
                shared = await Shared.PurgeAsync(purge, cancellationToken).AsTask().WaitAsync(_sharedBound, Time, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                CacheLog.SharedFailed(_logger, "purge", ex.Message);
            }
        }
        return (local, shared);
    }

    /// <summary>Drops what <paramref name="purge"/> selects from the memory tier only; how many objects.</summary>
    public int PurgeLocal(CachePurge purge)
    {
        var value = purge.Value;
        return purge.Kind switch
        {
            CachePurgeKind.Key => (Memory.Remove(value) ? 1 : 0)
                + Memory.RemoveWhere((key, _) => key.Length > value.Length && key[value.Length] == CacheKeys.VariantSeparator && key.StartsWith(value, StringComparison.Ordinal)),
            CachePurgeKind.Prefix => Memory.RemoveWhere((key, _) => key.StartsWith(value, StringComparison.Ordinal)),
            _ => Memory.RemoveWhere((_, response) => Array.IndexOf(response.Tags, value) >= 0),
        };
    }

    /// <summary>
    /// An unsafe request changed <paramref name="primary"/>: its objects go here and, in the background, in the shared
    /// tier (RFC 9111 §4.4).
    /// </summary>
    public void Invalidate(string primary)
    {
        var purge = new CachePurge(CachePurgeKind.Key, primary);
        if (PurgeLocal(purge) == 0 && Shared is null)
        {
            return;
        }
        if (Shared is not null)
        {
            _ = PurgeAsync(purge, CancellationToken.None).AsTask();
        }
    }

    /// <summary>
    /// The key misses of <paramref name="request"/> collapse on: its variant's key when the memory tier knows the URL's
    /// <c>Vary</c> (a marker), else <paramref name="primary"/>.
    /// </summary>
    public string CollapseKey(string primary, HttpRequest request) =>
        Memory.Get(primary) is { IsVaryMarker: true } marker ? CacheKeys.Variant(primary, marker.VaryNames, request) : primary;

    /// <summary>Makes this request the one that fetches <paramref name="key"/> when none is in flight; otherwise hands back the one in flight.</summary>
    public bool TryLead(string key, out TaskCompletionSource flight)
    {
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flight = _flights.GetOrAdd(key, mine);
        return ReferenceEquals(flight, mine);
    }

    /// <summary>The leader's fetch of <paramref name="key"/> is over (stored or not): its waiters look again.</summary>
    public void Land(string key, TaskCompletionSource flight)
    {
        _flights.TryRemove(new KeyValuePair<string, TaskCompletionSource>(key, flight));
        flight.TrySetResult();
    }

    private async ValueTask<CachedResponse?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (Memory.Get(key) is { } found)
        {
            return found;
        }
        if (Shared is null)
        {
            return null;
        }
        byte[]? value;
        try
        {
            value = await Shared.GetAsync(key, cancellationToken).AsTask().WaitAsync(_sharedBound, Time, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            CacheLog.SharedFailed(_logger, "get", ex.Message);
            return null;
        }
        var response = CacheSerializer.Read(value, out var dropAt);
        if (response is not null)
        {
            // A value written before drop times were stored keeps at most max-stale-keep here (Redis expires it anyway).
            Memory.Set(key, response, dropAt ?? Time.GetUtcNow() + Config.MaxStaleKeep);
        }
        return response;
    }

    private async Task SetSharedAsync(string key, CachedResponse response, DateTimeOffset dropAt, DateTimeOffset now)
    {
        try
        {
            var ttl = dropAt - now;
            var value = CacheSerializer.Write(response, dropAt);
            await Shared!.SetAsync(key, value, ttl, response.Tags, CancellationToken.None).AsTask().WaitAsync(_sharedBound, Time);
        }
        catch (Exception ex)
        {
            CacheLog.SharedFailed(_logger, "set", ex.Message);
        }
    }

    private void OnPeerPurged(CachePurge purge)
    {
        try
        {
            PurgeLocal(purge);
        }
        catch (Exception ex)
        {
            CacheLog.SharedFailed(_logger, "purge event", ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Memory.Dispose();
        if (Shared is not null)
        {
            Shared.Purged -= OnPeerPurged;
            try
            {
                await Shared.DisposeAsync();
            }
            catch (Exception ex)
            {
                CacheLog.SharedFailed(_logger, "dispose", ex.Message);
            }
        }
    }
}
