using System.Collections.Concurrent;

namespace Tandem.Proxy.Caching.Redis;

/// <summary>
/// Purges that could not reach Redis, in order, applied (and announced) when it answers again: without them Redis
/// would serve the purged objects to every node once it is back. Bounded: past the capacity one purge of everything
/// replaces them.
/// </summary>
/// <remarks>Concurrency: any thread adds (lock-free); only the tier's probe loop takes.</remarks>
internal sealed class PendingPurges(int capacity)
{
    private readonly ConcurrentQueue<CachePurge> _queue = new();
    private int _count;
    private int _overflowed;

    /// <summary>Every value of the tier: what a purge of an empty prefix selects.</summary>
    public static CachePurge Everything => new(CachePurgeKind.Prefix, "");

    public int Count => Volatile.Read(ref _count);

    /// <summary>Keeps <paramref name="purge"/>; true when it was the first one past the capacity (the caller logs it once).</summary>
    public bool Add(CachePurge purge)
    {
        if (Interlocked.Increment(ref _count) <= capacity)
        {
            _queue.Enqueue(purge);
            return false;
        }
        Interlocked.Decrement(ref _count);
        return Interlocked.Exchange(ref _overflowed, 1) == 0;
    }

    /// <summary>Whether a purge was dropped for the capacity; clears the mark (the caller puts it back if it fails).</summary>
    public bool TakeOverflow() => Interlocked.Exchange(ref _overflowed, 0) == 1;

    public void MarkOverflow() => Volatile.Write(ref _overflowed, 1);

    public bool TryPeek(out CachePurge purge) => _queue.TryPeek(out purge);

    /// <summary>The oldest purge was applied: drops it.</summary>
    public void Done()
    {
        if (_queue.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
