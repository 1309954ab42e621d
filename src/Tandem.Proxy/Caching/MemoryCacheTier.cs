using System.Collections.Concurrent;

namespace Tandem.Proxy.Caching;

/// <summary>
/// The cache's first tier: objects in this process, bounded in bytes (<see cref="CachedResponse.Size"/>). A read
/// stamps the object's last use; a write that takes the total over the bound starts an eviction, one at a time, that
/// drops the least recently used objects until the total is 90% of the bound (so evictions are rare, not one per
/// write). Objects also leave when they are past any use (<see cref="Remove"/>, purges).
/// Concurrency: lock-free reads and writes; the eviction and purges scan a snapshot off the request's way.
/// </summary>
internal sealed class MemoryCacheTier(long capacity, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Slot> _objects = new(StringComparer.Ordinal);
    private long _bytes;
    private int _evicting;

    public long Capacity { get; } = capacity;

    public long Bytes => Interlocked.Read(ref _bytes);

    public int Count => _objects.Count;

    public CachedResponse? Get(string key)
    {
        if (!_objects.TryGetValue(key, out var slot))
        {
            return null;
        }
        Volatile.Write(ref slot.LastUsed, time.GetTimestamp());
        return slot.Value;
    }

    public void Set(string key, CachedResponse value)
    {
        if (value.Size > Capacity)
        {
            return;
        }
        var slot = new Slot(value, time.GetTimestamp());
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

    private sealed class Slot(CachedResponse value, long lastUsed)
    {
        public readonly CachedResponse Value = value;
        public long LastUsed = lastUsed;
    }
}
