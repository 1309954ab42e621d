using System.Collections.Concurrent;

namespace Tandem.Core.Pools;

/// <summary>One remembered client: its key's hash, its server, and when it was last seen (Unix ms).</summary>
/// <param name="Key">The 64-bit hash of the client key (<see cref="Balancing.ClientHash"/>), the same on both nodes of a pair.</param>
/// <param name="Server">The server's name.</param>
/// <param name="LastSeen">When the client was last seen (Unix ms, wall clock, so the peer can compare).</param>
public readonly record struct StickyRecord(ulong Key, string Server, long LastSeen);

/// <summary>
/// A pool's sticky table (<c>sticky: {mode: table}</c>): client key → server, forgotten after <see cref="Ttl"/> idle,
/// at most <see cref="Size"/> clients (the least recently seen go first). Shared with the pair's peer: every new or
/// moved client, and a client seen again after a quarter of the ttl, is queued for <see cref="TakeChanges"/>; the peer's
/// records come in through <see cref="Merge"/>, where the later <c>LastSeen</c> wins.
/// Concurrency: <see cref="Find"/> and <see cref="Learn"/> are on the request path: lock-free, and
/// <see cref="Find"/> allocates nothing. <see cref="Sweep"/> runs on one timer. A reload that keeps the key keeps the table.
/// </summary>
public sealed class StickyTable
{
    private const int TouchGranularityMs = 1000;

    private readonly ConcurrentDictionary<ulong, Entry> _entries = new();
    private readonly ConcurrentQueue<ulong> _changes = new();
    private int _count;
    private int _pendingChanges;
    private long _evictions;
    private long _dropped;

    public StickyTable(Config.HashKey key, TimeSpan ttl, int size)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
        Ttl = ttl;
        Size = size;
    }

    /// <summary>What clients are remembered by.</summary>
    public Config.HashKey Key { get; }

    /// <summary>How long an idle client is remembered; a reload may change it.</summary>
    public TimeSpan Ttl { get; set; }

    /// <summary>How many clients are remembered at most; a reload may change it.</summary>
    public int Size { get; set; }

    /// <summary>Clients remembered now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Clients forgotten to stay within <see cref="Size"/> (not counting expiry).</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>Changes not queued for the peer because the queue was full (they go with the next snapshot).</summary>
    public long DroppedChanges => Interlocked.Read(ref _dropped);

    /// <summary>The server remembered for <paramref name="key"/>, or null; marks the client as seen at <paramref name="nowMs"/>.</summary>
    public string? Find(ulong key, long nowMs)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }
        var last = Volatile.Read(ref entry.LastSeen);
        if (nowMs - last > Ttl.TotalMilliseconds)
        {
            return null;
        }
        if (nowMs - last >= TouchGranularityMs)
        {
            Volatile.Write(ref entry.LastSeen, nowMs);
            // Keep the peer's copy from expiring while the client is active here.
            if (nowMs - Volatile.Read(ref entry.SharedAt) >= Ttl.TotalMilliseconds / 4)
            {
                Volatile.Write(ref entry.SharedAt, nowMs);
                Enqueue(key);
            }
        }
        return entry.Server;
    }

    /// <summary>Remembers that <paramref name="key"/> is served by <paramref name="server"/>, and queues it for the peer.</summary>
    public void Learn(ulong key, string server, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (_entries.TryGetValue(key, out var existing))
        {
            Volatile.Write(ref existing.LastSeen, nowMs);
            if (ReferenceEquals(existing.Server, server) || existing.Server == server)
            {
                return;
            }
            existing.Server = server;
            Volatile.Write(ref existing.SharedAt, nowMs);
            Enqueue(key);
            return;
        }
        if (_entries.TryAdd(key, new Entry(server, nowMs)))
        {
            Interlocked.Increment(ref _count);
            Enqueue(key);
        }
    }

    /// <summary>Takes the peer's records: a record wins when its client is unknown here or was seen later there.</summary>
    /// <returns>How many records changed this table.</returns>
    public int Merge(IEnumerable<StickyRecord> records, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(records);
        var changed = 0;
        foreach (var record in records)
        {
            if (nowMs - record.LastSeen > Ttl.TotalMilliseconds)
            {
                continue;
            }
            if (_entries.TryGetValue(record.Key, out var existing))
            {
                if (record.LastSeen > Volatile.Read(ref existing.LastSeen))
                {
                    existing.Server = record.Server;
                    Volatile.Write(ref existing.LastSeen, record.LastSeen);
                    // The peer has it: do not echo it back.
                    Volatile.Write(ref existing.SharedAt, record.LastSeen);
                    changed++;
                }
            }
            else if (_entries.TryAdd(record.Key, new Entry(record.Server, record.LastSeen) { SharedAt = record.LastSeen }))
            {
                Interlocked.Increment(ref _count);
                changed++;
            }
        }
        return changed;
    }

    /// <summary>Up to <paramref name="max"/> queued changes for the peer (the current record of each changed client).</summary>
    public List<StickyRecord> TakeChanges(int max)
    {
        var taken = new List<StickyRecord>(Math.Min(max, Volatile.Read(ref _pendingChanges)));
        while (taken.Count < max && _changes.TryDequeue(out var key))
        {
            Interlocked.Decrement(ref _pendingChanges);
            if (_entries.TryGetValue(key, out var entry))
            {
                taken.Add(new StickyRecord(key, entry.Server, Volatile.Read(ref entry.LastSeen)));
            }
        }
        return taken;
    }

    /// <summary>Queues records again that could not be sent.</summary>
    public void Requeue(IEnumerable<StickyRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            Enqueue(record.Key);
        }
    }

    /// <summary>Every remembered client, up to <paramref name="max"/> (a snapshot for the peer or the admin API).</summary>
    public List<StickyRecord> Snapshot(int max)
    {
        var all = new List<StickyRecord>(Math.Min(max, Count));
        foreach (var (key, entry) in _entries)
        {
            if (all.Count >= max)
            {
                break;
            }
            all.Add(new StickyRecord(key, entry.Server, Volatile.Read(ref entry.LastSeen)));
        }
        return all;
    }

    /// <summary>Forgets clients idle longer than the ttl, then the least recently seen beyond <see cref="Size"/>.</summary>
    /// <returns>How many were forgotten.</returns>
    public int Sweep(long nowMs)
    {
        var removed = 0;
        var ttl = Ttl.TotalMilliseconds;
        foreach (var (key, entry) in _entries)
        {
            if (nowMs - Volatile.Read(ref entry.LastSeen) > ttl && _entries.TryRemove(key, out _))
            {
                Interlocked.Decrement(ref _count);
                removed++;
            }
        }
        var excess = Count - Size;
        if (excess <= 0)
        {
            return removed;
        }
        // Over size: find the cut-off time below which the oldest `excess` clients were last seen.
        var seen = new long[Count];
        var n = 0;
        foreach (var (_, entry) in _entries)
        {
            if (n == seen.Length)
            {
                break;
            }
            seen[n++] = Volatile.Read(ref entry.LastSeen);
        }
        Array.Sort(seen, 0, n);
        var cutoff = seen[Math.Min(excess, n) - 1];
        foreach (var (key, entry) in _entries)
        {
            if (excess <= 0)
            {
                break;
            }
            if (Volatile.Read(ref entry.LastSeen) <= cutoff && _entries.TryRemove(key, out _))
            {
                Interlocked.Decrement(ref _count);
                Interlocked.Increment(ref _evictions);
                removed++;
                excess--;
            }
        }
        return removed;
    }

    /// <summary>Forgets every client (operator action); not shared with the peer.</summary>
    public int Clear()
    {
        var removed = 0;
        foreach (var key in _entries.Keys)
        {
            if (_entries.TryRemove(key, out _))
            {
                Interlocked.Decrement(ref _count);
                removed++;
            }
        }
        return removed;
    }

    private void Enqueue(ulong key)
    {
        // The queue holds at most one size's worth; beyond that the peer catches up from the next snapshot.
        if (Interlocked.Increment(ref _pendingChanges) > Math.Max(Size, 1024))
        {
            Interlocked.Decrement(ref _pendingChanges);
            Interlocked.Increment(ref _dropped);
            return;
        }
        _changes.Enqueue(key);
    }

    private sealed class Entry(string server, long lastSeen)
    {
        public volatile string Server = server;
        public long LastSeen = lastSeen;
        public long SharedAt = lastSeen;
    }
}
