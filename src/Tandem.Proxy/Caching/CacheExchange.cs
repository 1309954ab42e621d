using Tandem.Core.Telemetry;

namespace Tandem.Proxy.Caching;

/// <summary>
/// What the cache stage and its transformer share about one request that goes to a server: the stored response being
/// revalidated or kept as a fallback, the server's 304, and the copy of a body being stored. Set as a feature of the
/// request's context for <see cref="CacheTransformer"/> to find. One per forwarded request of a caching route.
/// Concurrency: one request.
/// </summary>
internal sealed class CacheExchange(string primary, DateTimeOffset requestTime)
{
    /// <summary>The stage that forwards the request (set when it does).</summary>
    public CacheStage? Stage { get; set; }

    /// <summary>The request headers the response varies by (its <c>Vary</c>), read with its headers.</summary>
    public string[] VaryNames { get; set; } = [];

    /// <summary>The request's primary cache key.</summary>
    public string Primary { get; } = primary;

    /// <summary>When the request left for the server (RFC 9111 §4.2.3's request_time).</summary>
    public DateTimeOffset RequestTime { get; } = requestTime;

    /// <summary>A stored response whose validators go to the server (<c>If-None-Match</c>, <c>If-Modified-Since</c>); null on a plain miss.</summary>
    public CachedResponse? Validating { get; set; }

    /// <summary>A stale stored response served instead of a server's error (stale-if-error); null when there is none.</summary>
    public CachedResponse? Fallback { get; set; }

    /// <summary>The headers of the server's 304 to <see cref="Validating"/>; null when it did not answer 304.</summary>
    public KeyValuePair<string, string[]>[]? NotModified { get; set; }

    /// <summary>The server answered 5xx and <see cref="Fallback"/> is to be served in its place.</summary>
    public bool ServeFallback { get; set; }

    /// <summary>The copy of the body being stored; null when the response is not stored.</summary>
    public BodyCapture? Capture { get; set; }

    /// <summary>The response's tags (the tag header), read with its headers.</summary>
    public string[] Tags { get; set; } = [];

    /// <summary>Whether the response may go to the shared tier (the stage's judgement with its headers).</summary>
    public bool ToShared { get; set; }

    /// <summary>When the response's headers arrived (response_time).</summary>
    public DateTimeOffset ResponseTime { get; set; }

    /// <summary>A background refresh: nobody reads what is written to the context.</summary>
    public bool Background { get; init; }

    /// <summary>How the request was served, for <c>X-Cache</c>, the log and the metrics.</summary>
    public CacheOutcome Outcome { get; set; } = CacheOutcome.Miss;
}
