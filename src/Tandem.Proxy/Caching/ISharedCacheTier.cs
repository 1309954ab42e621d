namespace Tandem.Proxy.Caching;

/// <summary>
/// The cache's second tier, shared by every node that names the same store (today: Redis, <c>cache.redis</c>), so the
/// two nodes of a pair, and a node that just took over the VIP, hit the same objects. It stores opaque values: the
/// cache stage decides what is stored, under which key, for how long and with which tags (it never hands a
/// <c>no-store</c> or <c>private</c> response here), and serializes the object itself.
/// </summary>
/// <remarks>
/// Every method is best effort and never throws for the store's sake: a store that is down, slow or refusing is a
/// miss (<see cref="GetAsync"/> returns null) or a write dropped, and the cache goes on with its memory tier. Each call
/// is bounded by the tier's own timeout, short enough for the request path. <see cref="Available"/> says what the
/// last calls saw, for metrics and the admin API.
/// </remarks>
public interface ISharedCacheTier : IAsyncDisposable
{
    /// <summary>Whether the store answered the last calls (false while it is down and being retried).</summary>
    bool Available { get; }

    /// <summary>The value stored under <paramref name="key"/>, or null when there is none or the store did not answer in time.</summary>
    ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="value"/> under <paramref name="key"/> for <paramref name="timeToLive"/> (after which the
    /// store drops it), indexed under each of <paramref name="tags"/> for <see cref="PurgeAsync"/>.
    /// </summary>
    ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan timeToLive, IReadOnlyList<string> tags, CancellationToken cancellationToken);

    /// <summary>Removes what is stored under <paramref name="key"/>.</summary>
    ValueTask RemoveAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Removes every stored value that <paramref name="purge"/> selects, and tells every other node sharing the store
    /// (through the store) so each drops the same objects from its memory tier (<see cref="Purged"/>). Returns how many
    /// values were removed from the store (-1 when the store did not answer).
    /// </summary>
    ValueTask<long> PurgeAsync(CachePurge purge, CancellationToken cancellationToken);

    /// <summary>Raised when another node sharing the store purged: this node drops the same objects from its memory tier.</summary>
    event Action<CachePurge>? Purged;
}

/// <summary>What a purge selects: one key, every key that starts with a prefix, or every object stored with a tag.</summary>
public readonly record struct CachePurge(CachePurgeKind Kind, string Value);

/// <summary>How a <see cref="CachePurge"/> selects.</summary>
public enum CachePurgeKind
{
    /// <summary>The objects of one cache key (every variant of it).</summary>
    Key,

    /// <summary>Every object whose cache key starts with the value.</summary>
    Prefix,

    /// <summary>Every object stored with the tag (from the response's <c>Cache-Tag</c>).</summary>
    Tag,
}
