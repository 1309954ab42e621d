using Tandem.Core.Telemetry;

namespace Tandem.Core.Runtime;

/// <summary>
/// The HTTP cache as the admin API sees it (<c>GET</c> and <c>DELETE /api/cache</c>): its size and a purge. Implemented by
/// the data plane; the admin API knows nothing else of it.
/// </summary>
public interface ICacheAdmin
{
    /// <summary>The store's size and state; null when no route caches.</summary>
    CacheStoreStats? Stats { get; }

    /// <summary>
    /// Drops what <paramref name="scope"/> and <paramref name="value"/> select (a URL and its variants, every URL under a
    /// prefix, every object with a tag) from this node, the shared tier and, through it or the pair, the other node.
    /// Null when no route caches.
    /// </summary>
    ValueTask<CachePurgeResult?> PurgeAsync(CachePurgeScope scope, string value, CancellationToken cancellationToken);
}

/// <summary>What a purge selects by.</summary>
public enum CachePurgeScope
{
    /// <summary><c>url=</c>: one URL (normalized as cache keys are) and all its variants.</summary>
    Url,

    /// <summary><c>prefix=</c>: every URL that starts with the value (normalized as a URL when it is one).</summary>
    Prefix,

    /// <summary><c>tag=</c>: every object whose tag header named the value.</summary>
    Tag,
}

/// <summary>The answer to a purge: the key or prefix as normalized, objects dropped here, and in the shared tier (-1: none or it did not answer).</summary>
public sealed record CachePurgeResult(string Selector, int Memory, long Shared);
