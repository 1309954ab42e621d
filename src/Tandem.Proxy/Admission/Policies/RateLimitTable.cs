using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// A token bucket per client key (System.Threading.RateLimiting's <see cref="TokenBucketRateLimiter"/>, refilled on
/// each request by the time elapsed: no timer per key), at most <c>size</c> keys: past that, the least recently seen
/// tenth is dropped by a sweep off the request path. A key found costs no allocation (the lookup takes a span).
/// Concurrency: any number of requests; one sweep at a time.
/// </summary>
internal sealed class RateLimitTable
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Bucket>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly TokenBucketRateLimiterOptions _options;
    private readonly TimeProvider _time;
    private readonly int _size;
    private int _count;
    private int _sweeping;

    public RateLimitTable(int rate, TimeSpan per, int burst, int size, TimeProvider time)
    {
        _lookup = _buckets.GetAlternateLookup<ReadOnlySpan<char>>();
        _time = time;
        _size = size;
        _options = new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = rate,
            ReplenishmentPeriod = per,
            AutoReplenishment = false,
            QueueLimit = 0,
        };
    }

    /// <summary>Keys remembered now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Whether <paramref name="key"/> has a bucket (tests, the read view).</summary>
    internal bool Contains(string key) => _buckets.ContainsKey(key);

    /// <summary>Spends one token of <paramref name="key"/>; false with the wait before the next one when the bucket is empty.</summary>
    public bool TryAcquire(ReadOnlySpan<char> key, out TimeSpan retryAfter)
    {
        if (!_lookup.TryGetValue(key, out var bucket))
        {
            bucket = Add(key);
        }
        bucket.LastSeen = _time.GetTimestamp();
        var limiter = bucket.Limiter;
        limiter.TryReplenish();
        using var lease = limiter.AttemptAcquire(1);
        if (lease.IsAcquired)
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : _options.ReplenishmentPeriod;
        return false;
    }

    private Bucket Add(ReadOnlySpan<char> key)
    {
        var bucket = new Bucket(new TokenBucketRateLimiter(_options));
        if (!_lookup.TryAdd(key, bucket))
        {
            return _lookup.TryGetValue(key, out var existing) ? existing : Add(key);
        }
        if (Interlocked.Increment(ref _count) > _size && Interlocked.CompareExchange(ref _sweeping, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static table => table.Sweep(), this, preferLocal: false);
        }
        return bucket;
    }

    /// <summary>Drops the least recently seen keys until a tenth of the room is free again.</summary>
    internal void Sweep()
    {
        try
        {
            var entries = _buckets.ToArray();
            var excess = entries.Length - _size * 9 / 10;
            if (excess <= 0)
            {
                return;
            }
            var seen = new long[entries.Length];
            for (var i = 0; i < entries.Length; i++)
            {
                seen[i] = entries[i].Value.LastSeen;
            }
            Array.Sort(seen, entries);
            for (var i = 0; i < excess; i++)
            {
                // Not disposed: a request may hold it still, and a limiter without auto-replenishment owns no timer.
                if (_buckets.TryRemove(entries[i]))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private sealed class Bucket(TokenBucketRateLimiter limiter)
    {
        public TokenBucketRateLimiter Limiter { get; } = limiter;

        /// <summary>A TimeProvider timestamp; written by any request without a lock (a torn order only shifts who is dropped).</summary>
        public long LastSeen;
    }
}
