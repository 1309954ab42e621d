using System.Globalization;
using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// A token bucket per client key (System.Threading.RateLimiting's <see cref="TokenBucketRateLimiter"/>, refilled on
/// each request by the time elapsed: no timer per key), at most <c>size</c> keys: past that, the least recently seen
/// tenth is dropped by a sweep off the request path. A key found costs no allocation (the lookup takes a span).
/// <para>
/// In a pair (<see cref="StartTracking"/>), each bucket also counts the tokens its requests spent since the pair last
/// took them (<see cref="TakeSpent"/>), and the peer's spending is charged here (<see cref="Charge"/>): from the tokens
/// the bucket holds, and what they do not cover as a debt that the next tokens pay (those requests are refused).
/// </para>
/// Concurrency: any number of requests; one sweep and one pair loop at a time.
/// </summary>
internal sealed class RateLimitTable
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Bucket>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly ConcurrentQueue<Bucket> _spending = new();
    private readonly TokenBucketRateLimiterOptions _options;
    private readonly TimeProvider _time;
    private readonly int _size;
    private int _count;
    private int _sweeping;
    private volatile bool _tracking;

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

    /// <summary>The budget in words: <c>100 per 1 s, burst 200</c>.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{_options.TokensPerPeriod} per {_options.ReplenishmentPeriod.TotalSeconds:0.###} s, burst {_options.TokenLimit}");

    /// <summary>Keys remembered now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Whether <paramref name="key"/> has a bucket (tests, the read view).</summary>
    internal bool Contains(string key) => _buckets.ContainsKey(key);

    /// <summary>Spends one token of <paramref name="key"/>; false with the wait before the next one when the bucket is empty (or in debt).</summary>
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
        if (!lease.IsAcquired)
        {
            retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : _options.ReplenishmentPeriod;
            return false;
        }
        // The peer's requests spent this client's budget there: the token pays that debt and the request waits.
        for (var debt = Volatile.Read(ref bucket.Debt); debt > 0;)
        {
            var seen = Interlocked.CompareExchange(ref bucket.Debt, debt - 1, debt);
            if (seen == debt)
            {
                retryAfter = _options.ReplenishmentPeriod * Math.Max(1, debt - 1) / _options.TokensPerPeriod;
                return false;
            }
            debt = seen;
        }
        if (_tracking && Interlocked.Increment(ref bucket.Spent) == 1)
        {
            _spending.Enqueue(bucket);
        }
        retryAfter = TimeSpan.Zero;
        return true;
    }

    /// <summary>From now on, spending is counted for <see cref="TakeSpent"/> (a pair takes it).</summary>
    public void StartTracking() => _tracking = true;

    /// <summary>Adds the tokens spent per key since the last call to <paramref name="into"/> and resets them.</summary>
    public void TakeSpent(List<(string Key, int Count)> into)
    {
        // Each bucket is queued once per round, when its count leaves 0; a bucket swept away meanwhile still reports.
        var round = _spending.Count;
        for (var i = 0; i < round && _spending.TryDequeue(out var bucket); i++)
        {
            var spent = Interlocked.Exchange(ref bucket.Spent, 0);
            if (spent > 0)
            {
                into.Add((bucket.Key, spent));
            }
        }
    }

    /// <summary>Charges <paramref name="count"/> tokens the peer spent for <paramref name="key"/>.</summary>
    public void Charge(string key, int count)
    {
        if (count <= 0)
        {
            return;
        }
        if (!_buckets.TryGetValue(key, out var bucket))
        {
            bucket = Add(key);
        }
        var limiter = bucket.Limiter;
        limiter.TryReplenish();
        var available = limiter.GetStatistics()?.CurrentAvailablePermits ?? 0;
        var take = (int)Math.Min(Math.Min(available, count), _options.TokenLimit);
        if (take > 0)
        {
            using var lease = limiter.AttemptAcquire(take);
            if (lease.IsAcquired)
            {
                count -= take;
            }
        }
        if (count > 0)
        {
            // A debt beyond one bucket would refuse the client longer than either node alone could.
            var debt = Interlocked.Add(ref bucket.Debt, count);
            if (debt > _options.TokenLimit)
            {
                Interlocked.CompareExchange(ref bucket.Debt, _options.TokenLimit, debt);
            }
        }
    }

    private Bucket Add(ReadOnlySpan<char> key)
    {
        var name = key.ToString();
        // Seen from its first moment: a sweep this insertion starts must not take the new key for the least recent one.
        var bucket = new Bucket(name, new TokenBucketRateLimiter(_options)) { LastSeen = _time.GetTimestamp() };
        if (!_buckets.TryAdd(name, bucket))
        {
            return _buckets.TryGetValue(name, out var existing) ? existing : Add(key);
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

    private sealed class Bucket(string key, TokenBucketRateLimiter limiter)
    {
        public string Key { get; } = key;

        public TokenBucketRateLimiter Limiter { get; } = limiter;

        /// <summary>A TimeProvider timestamp; written by any request without a lock (a torn order only shifts who is dropped).</summary>
        public long LastSeen;

        /// <summary>Tokens spent here since the pair last took them (only while tracking).</summary>
        public int Spent;

        /// <summary>Tokens the peer spent that this bucket did not hold; the next ones pay it. At most the bucket's size.</summary>
        public int Debt;
    }
}
