namespace Tandem.Core.Config;

/// <summary>
/// The top-level <c>cache</c>: where the objects of the routes with <c>cache</c> are kept. Absent while a route caches,
/// the defaults apply (<see cref="DefaultMemory"/> in memory, no shared tier).
/// </summary>
public sealed record CacheConfig
{
    /// <summary>The memory tier's size when <c>memory</c> is not given: 64 MB.</summary>
    public const long DefaultMemory = 64L << 20;

    /// <summary>The largest object stored when <c>max-object</c> is not given: 8 MB.</summary>
    public const long DefaultMaxObject = 8L << 20;

    /// <summary>How long a call to the shared tier may take when <c>redis-timeout</c> is not given: 250 ms.</summary>
    public static readonly TimeSpan DefaultRedisTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>How long past its freshness an object with a validator is kept when <c>max-stale-keep</c> is not given: 1 hour.</summary>
    public static readonly TimeSpan DefaultMaxStaleKeep = TimeSpan.FromHours(1);

    /// <summary>The response header that names an object's tags when <c>tag-header</c> is not given.</summary>
    public const string DefaultTagHeader = "Cache-Tag";

    /// <summary>Key <c>memory</c>: the bytes (bodies and headers) the memory tier holds before it evicts the least recently used.</summary>
    public long Memory { get; init; } = DefaultMemory;

    /// <summary>Key <c>max-object</c>: a larger response is passed through to the client and not stored.</summary>
    public long MaxObject { get; init; } = DefaultMaxObject;

    /// <summary>Key <c>redis</c>: the shared tier's endpoints (<c>host:port</c>, several for a cluster); null: memory only.</summary>
    public IReadOnlyList<HostPort>? Redis { get; init; }

    /// <summary>Key <c>redis-timeout</c>: the bound of each call to the shared tier; see <see cref="DefaultRedisTimeout"/>.</summary>
    public TimeSpan RedisTimeout { get; init; } = DefaultRedisTimeout;

    /// <summary>Key <c>tag-header</c>: the response header whose comma- or space-separated values tag an object for purges.</summary>
    public string TagHeader { get; init; } = DefaultTagHeader;

    /// <summary>
    /// Key <c>max-stale-keep</c>: how long past its freshness an object with a validator (<c>ETag</c>, <c>Last-Modified</c>)
    /// is kept for a conditional revalidation when no stale window keeps it longer; see <see cref="DefaultMaxStaleKeep"/>.
    /// An object without a validator goes when its freshness and stale windows are over.
    /// </summary>
    public TimeSpan MaxStaleKeep { get; init; } = DefaultMaxStaleKeep;
}
