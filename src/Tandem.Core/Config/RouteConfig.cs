namespace Tandem.Core.Config;

/// <summary>
/// One route of a listener (YAML <c>listeners[].routes[]</c>): the conditions a request must meet and exactly one
/// action (<see cref="Pool"/>, <see cref="Split"/>, <see cref="Redirect"/> or <see cref="Respond"/>). Routes are tried
/// in the order written; the first whose <see cref="Match"/> holds serves the request.
/// </summary>
public sealed record RouteConfig
{
    /// <summary>Key <c>name</c>: what metrics, logs and <c>/api/explain</c> call the route; default <c>route-N</c> (1-based).</summary>
    public required string Name { get; init; }

    /// <summary>Key <c>match</c>: the conditions; absent, the route matches every request (a catch-all).</summary>
    public RouteMatch? Match { get; init; }

    /// <summary>Key <c>pool</c>: the pool that serves the route's requests.</summary>
    public string? Pool { get; init; }

    /// <summary>Key <c>split</c>: pools sharing the route's requests by weight (a canary, an A/B test).</summary>
    public IReadOnlyList<SplitTarget>? Split { get; init; }

    /// <summary>
    /// Key <c>split-key</c>: keeps a client on the side of a <see cref="Split"/> it drew (<c>ip</c>, <c>header:NAME</c>,
    /// <c>cookie:NAME</c>). Without it a split is sticky by client address when one of its pools is sticky, else random.
    /// </summary>
    public HashKey? SplitKey { get; init; }

    /// <summary>Key <c>redirect</c>: Tandem answers with a redirect, no server involved.</summary>
    public RedirectConfig? Redirect { get; init; }

    /// <summary>Key <c>respond</c>: Tandem answers with a fixed response, no server involved.</summary>
    public RespondConfig? Respond { get; init; }

    /// <summary>Key <c>rewrite</c>: how the path and Host are changed before forwarding.</summary>
    public RewriteConfig? Rewrite { get; init; }

    /// <summary>Key <c>request-headers</c>: headers set, added or removed on the way to the server.</summary>
    public HeaderActions? RequestHeaders { get; init; }

    /// <summary>Key <c>response-headers</c>: headers set, added or removed on the way back to the client.</summary>
    public HeaderActions? ResponseHeaders { get; init; }

    /// <summary>Key <c>policy</c>: the access policies (by name) a request must pass; a single name or a list.</summary>
    public IReadOnlyList<string>? Policies { get; init; }

    /// <summary>Key <c>retries</c>: overrides the pool's <c>retries</c> for this route's requests.</summary>
    public int? Retries { get; init; }

    /// <summary>
    /// Key <c>timeouts</c>: <c>response</c> and <c>idle</c> override the pool's for this route's requests. (<c>connect</c>
    /// stays the pool's: a connection to a server is shared by every route of its pool.)
    /// </summary>
    public PoolTimeouts? Timeouts { get; init; }

    /// <summary>
    /// Key <c>max-body</c>: the largest request body this route accepts, overriding the listener's <c>max-body</c> (larger
    /// or smaller); <see cref="long.MaxValue"/> means unlimited. A larger body gets 413 from Tandem.
    /// </summary>
    public long? MaxBody { get; init; }

    /// <summary>Key <c>errors</c>: HTML pages for error statuses, served in place of Tandem's own plain-text answers (and, with <c>intercept</c>, the server's).</summary>
    public ErrorPagesConfig? Errors { get; init; }

    /// <summary>Key <c>compression</c>: gzip or brotli for text responses the server did not compress; null: off.</summary>
    public CompressionConfig? Compression { get; init; }

    /// <summary>Key <c>header-routing</c>: a trusted caller picks the pool or server by header; replaces the listener's.</summary>
    public HeaderRoutingConfig? HeaderRouting { get; init; }

    /// <summary>Key <c>cache</c>: answer the route's GET and HEAD requests from the cache as RFC 9111 allows; null: off.</summary>
    public RouteCacheConfig? Cache { get; init; }

    /// <summary>The line of the route in its file, for warnings and <c>/api/explain</c>.</summary>
    public int Line { get; init; }

    /// <summary>The column of the route in its file.</summary>
    public int Column { get; init; }
}
