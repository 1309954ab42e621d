using System.Collections.Concurrent;

namespace Tandem.Proxy.Caching;

/// <summary>
/// The cache's first tier: objects in this process, bounded in bytes (<see cref="CachedResponse.Size"/>). A read
/// stamps the object's last use; a write that takes the total over the bound starts an eviction, one at a time, that
/// drops the least recently used objects until the total is 90% of the bound (so evictions are rare, not one per
/// write). Each object also has a drop time, past which no request can use it (the cache stage decides it: freshness,
/// the stale windows, the time a validator is worth keeping): a read of it past that time removes it, and a sweep every
/// <see cref="SweepEvery"/> looks at up to <see cref="SweepBatch"/> objects, resuming where it stopped, and removes the
/// dropped ones, so memory is returned for objects nobody asks for again. Purges remove objects too.
/// Concurrency: lock-free reads and writes; the eviction, the sweep and purges scan the table off the request's way.
/// </summary>
internal sealed class MemoryCacheTier : IDisposable
{
    /// <summary>How often the sweep runs.</summary>
    public static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(5);

    /// <summary>The most objects one sweep looks at: a tier of a million objects is gone over in under 20 minutes.</summary>
    public const int SweepBatch = 5000;

    private readonly ConcurrentDictionary<string, Slot> _objects = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private IEnumerator<KeyValuePair<string, Slot>>? _sweepCursor;
    private long _bytes;
    private int _evicting;
    private int _sweeping;

    public MemoryCacheTier(long capacity, TimeProvider time)
    {
        Capacity = capacity;
        _time = time;
        _sweeper = time.CreateTimer(static state => ((MemoryCacheTier)state!).Sweep(), this, SweepEvery, SweepEvery);
    }

    public long Capacity { get; }

    public long Bytes => Interlocked.Read(ref _bytes);

    public int Count => _objects.Count;

    public CachedResponse? Get(string key)
    {
        if (!_objects.TryGetValue(key, out var slot))
        {
            return null;
        }
        var now = _time.GetUtcNow().UtcTicks;
        if (now >= slot.DropAt)
        {
            Drop(key, slot);
            return null;
        }
        Volatile.Write(ref slot.LastUsed, now);
        return slot.Value;
    }

    /// <summary>When the object under <paramref name="key"/> is dropped; null when there is none.</summary>
    public DateTimeOffset? DropTimeOf(string key) =>
        _objects.TryGetValue(key, out var slot) ? new DateTimeOffset(slot.DropAt, TimeSpan.Zero) : null;

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> until <paramref name="dropAt"/>; nothing when that has passed.</summary>
    public void Set(string key, CachedResponse value, DateTimeOffset dropAt)
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (value.Size > Capacity || dropAt.UtcTicks <= now)
        {
            return;
        }
        var slot = new Slot(value, now, dropAt.UtcTicks);
        while (true)
        {
            if (_objects.TryGetValue(key, out var old))
            {
                if (_objects.TryUpdate(key, slot, old))
                {
                    Interlocked.Add(ref _bytes, value.Size - old.Value.Size);
                    break;
                }
            }
            else if (_objects.TryAdd(key, slot))
            {
                Interlocked.Add(ref _bytes, value.Size);
                break;
            }
        }
        if (Bytes > Capacity)
        {
            Evict();
        }
    }

    public bool Remove(string key)
    {
        if (_objects.TryRemove(key, out var slot))
        {
            Interlocked.Add(ref _bytes, -slot.Value.Size);
            return true;
        }
        return false;
    }

    /// <summary>Removes the objects <paramref name="selects"/> picks (a purge: prefix, key and variants, tag); how many.</summary>
    public int RemoveWhere(Func<string, CachedResponse, bool> selects)
    {
        var removed = 0;
        foreach (var (key, slot) in _objects)
        {
            if (selects(key, slot.Value) && _objects.TryRemove(new KeyValuePair<string, Slot>(key, slot)))
            {
                Interlocked.Add(ref _bytes, -slot.Value.Size);
                removed++;
            }
        }
        return removed;
    }

    private void Evict()
    {
        if (Interlocked.Exchange(ref _evicting, 1) == 1)
        {
            return;
        }
        try
        {
            var target = Capacity / 10 * 9;
            var snapshot = _objects.ToArray();
            Array.Sort(snapshot, static (a, b) => Volatile.Read(ref a.Value.LastUsed).CompareTo(Volatile.Read(ref b.Value.LastUsed)));
            foreach (var (key, slot) in snapshot)
            {
                if (Bytes <= target)
                {
                    break;
                }
                if (_objects.TryRemove(new KeyValuePair<string, Slot>(key, slot)))
                {
                    Interlocked.Add(ref _bytes, -slot.Value.Size);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _evicting, 0);
        }
    }

    /// <summary>
    /// Removes the objects past their drop time among the next <see cref="SweepBatch"/> of the table, from where the last
    /// sweep stopped (the table's enumerator tolerates writes while it runs); how many. Runs on the timer, one at a time.
    /// </summary>
    public int Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return 0;
        }
        try
        {
            var now = _time.GetUtcNow().UtcTicks;
            var removed = 0;
            var cursor = _sweepCursor ??= _objects.GetEnumerator();
            for (var seen = 0; seen < SweepBatch; seen++)
            {
                if (!cursor.MoveNext())
                {
                    cursor.Dispose();
                    _sweepCursor = null;
                    break;
                }
                var (key, slot) = cursor.Current;
                if (now >= slot.DropAt && Drop(key, slot))
                {
                    removed++;
                }
            }
            return removed;
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private bool Drop(string key, Slot slot)
    {
        if (_objects.TryRemove(new KeyValuePair<string, Slot>(key, slot)))
        {
            Interlocked.Add(ref _bytes, -slot.Value.Size);
            return true;
        }
        return false;
    }

    public void Dispose() => _sweeper.Dispose();

    private sealed class Slot(CachedResponse value, long lastUsed, long dropAt)
    {
        public readonly CachedResponse Value = value;

        /// <summary>UTC ticks of the last read (least recently used first).</summary>
        public long LastUsed = lastUsed;

        /// <summary>UTC ticks past which no request can use the object.</summary>
        public readonly long DropAt = dropAt;
    }
}
