using System.Net;
using Tandem.Core.Config;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Caching;
using Tandem.Proxy.Compression;
using Tandem.Proxy.Admission;
using Tandem.Proxy.Forwarding;
using Tandem.Proxy.Retries;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Routing;

/// <summary>
/// One route of a listener, compiled when the config is applied: where the requests it matches go and the stages they
/// pass on the way. A stage the route does not need is absent (null), not a no-op. A route either forwards to a pool
/// (<see cref="Target"/>) or is answered by Tandem (<see cref="Answer"/>: respond, redirect, no route matched); one
/// side of a split is a route of its own. Immutable.
/// </summary>
internal sealed class Route
{
    /// <summary>A catch-all route to <paramref name="target"/> with the pool's settings (a listener with only <c>pool:</c>).</summary>
    public Route(PoolTarget target, AdmissionStage? admission = null, HeaderRouting? headerRouting = null, ForwardedHeadersTransformer? forwarded = null)
        : this(ListenerRouteName, target, null, admission, headerRouting, forwarded)
    {
    }

    /// <summary>
    /// A route to <paramref name="target"/>; <paramref name="config"/>'s retries, rewrite and headers apply when given.
    /// <paramref name="forwarded"/>: the listener's forwarding headers (its <c>trusted-proxies</c>); default: no proxy trusted.
    /// </summary>
    public Route(string name, PoolTarget target, RouteConfig? config, AdmissionStage? admission = null, HeaderRouting? headerRouting = null,
        ForwardedHeadersTransformer? forwarded = null, HttpCache? cache = null)
    {
        Name = name;
        HeaderRouting = headerRouting;
        Config = config;
        Target = target;
        Admission = admission;
        var pool = target.Pool.Config;
        Retry = RetryPolicy.For(config?.Retries is { } retries ? pool with { Retries = retries } : pool, target.Budget);
        ResponseTimeout = config?.Timeouts?.Response;
        MaxBody = config?.MaxBody;
        var idle = config?.Timeouts?.Idle ?? pool.Timeouts?.Idle ?? ConfigDefaults.IdleTimeout;
        var response = ResponseTimeout ?? pool.Timeouts?.Response ?? ConfigDefaults.ResponseTimeout;
        RequestConfig = new ForwarderRequestConfig
        {
            // YARP's activity timeout resets on every read and write: it bounds every silence of the server, including
            // the wait for the headers, so it is the larger of the idle and response timeouts; ResponseTimeoutHandler
            // bounds the wait for the headers alone.
            ActivityTimeout = Max(idle, response),
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            AllowResponseBuffering = false,
        };
        ErrorPages = config?.Errors is { } errors ? new ErrorPages(errors) : null;
        Compression = config?.Compression is { } compression ? new ResponseCompression(compression) : null;
        Transformer = TransformerFor(target, config, ErrorPages, Compression, forwarded ?? ForwardedHeadersTransformer.Direct);
        // Only the forwarding headers change on the way: the lean HTTP/1.1 path can carry the route's requests.
        Http11Headers = Transformer as ForwardedHeadersTransformer;
        HeaderWait = response;
        if (config?.Cache is { } caching && cache is not null)
        {
            var responseHeaders = config.ResponseHeaders is { } rs
                ? new HeaderChanges(rs, (forwarded ?? ForwardedHeadersTransformer.Direct).Addresses)
                : null;
            Cache = new CacheStage(caching, cache, name, responseHeaders);
            Transformer = new CacheTransformer(Transformer, Cache);
            Http11Headers = null;
        }
    }

    /// <summary>A route Tandem answers itself; <paramref name="config"/> is null for the listener's "no route matched".</summary>
    public Route(string name, RouteAnswer answer, RouteConfig? config, AdmissionStage? admission = null)
    {
        Name = name;
        Config = config;
        Answer = answer;
        Admission = admission;
        MaxBody = config?.MaxBody;
        ErrorPages = config?.Errors is { } errors ? new ErrorPages(errors) : null;
        RequestConfig = ForwarderRequestConfig.Empty;
        Transformer = ForwardedHeadersTransformer.Direct;
    }

    /// <summary>What the one route of a listener without <c>routes</c> is called.</summary>
    public const string ListenerRouteName = "default";

    /// <summary>What the route of a listener's unmatched requests is called when the listener has no <c>pool</c> (404).</summary>
    public const string NoRouteName = "none";

    /// <summary>The route's name (<c>routes[].name</c>, <c>route-N</c>, <see cref="ListenerRouteName"/> or <see cref="NoRouteName"/>).</summary>
    public string Name { get; }

    /// <summary>The route as written; null for a listener's own catch-all and its "no route matched".</summary>
    public RouteConfig? Config { get; }

    /// <summary>The pool that serves the route's requests; null when Tandem answers them (<see cref="Answer"/>).</summary>
    public PoolTarget? Target { get; }

    /// <summary>The answer Tandem gives without a server (respond, redirect, 404); null when the route forwards.</summary>
    public RouteAnswer? Answer { get; }

    /// <summary>Where a trusted caller's headers may send the request instead (<c>header-routing</c>); null when not.</summary>
    public HeaderRouting? HeaderRouting { get; }

    /// <summary>The checks a request must pass before a server is chosen; null when there are none.</summary>
    public AdmissionStage? Admission { get; }

    /// <summary>When a failed attempt may be tried on another server; null when the route never retries.</summary>
    public RetryPolicy? Retry { get; }

    /// <summary>The route's own wait for response headers (<c>timeouts.response</c>); null: the pool's.</summary>
    public TimeSpan? ResponseTimeout { get; }

    /// <summary>The route's <c>max-body</c> (<see cref="long.MaxValue"/>: unlimited); null: the listener's.</summary>
    public long? MaxBody { get; }

    /// <summary>The route's <c>errors</c> pages; null when it has none (Tandem's plain-text answers).</summary>
    public ErrorPages? ErrorPages { get; }

    /// <summary>The route's <c>compression</c>; null when responses go as the server sent them.</summary>
    public ResponseCompression? Compression { get; }

    /// <summary>The serve-from-cache stage (<c>cache</c>); null when the route does not cache.</summary>
    public CacheStage? Cache { get; }

    /// <summary>How YARP forwards the route's requests (timeouts, HTTP version).</summary>
    public ForwarderRequestConfig RequestConfig { get; }

    /// <summary>
    /// The forwarding headers when they are all the route changes on the way (no rewrite, headers, error pages,
    /// compression or cache): its requests may take the lean HTTP/1.1 path. Null: every request goes through YARP.
    /// </summary>
    public ForwardedHeadersTransformer? Http11Headers { get; }

    /// <summary>The wait for a server's response head: the route's <c>timeouts.response</c>, else the pool's.</summary>
    public TimeSpan HeaderWait { get; }

    /// <summary>What is changed on the way to the server and back: the forwarding headers, and the route's rewrite and headers.</summary>
    public HttpTransformer Transformer { get; }

    /// <summary>
    /// The route's series (<c>tandem_route_requests_total</c>); null when its listener counts no routes. Set once by
    /// <see cref="ObserveWith"/> before the route's table is published to requests, never after.
    /// </summary>
    public IRouteTelemetry? Telemetry { get; private set; }

    /// <summary>Resolves the route's series from its listener's telemetry; called while the table is not yet in use.</summary>
    public void ObserveWith(IListenerTelemetry telemetry) => Telemetry ??= telemetry.ForRoute(Name);

    private static HttpTransformer TransformerFor(PoolTarget target, RouteConfig? config, ErrorPages? pages, ResponseCompression? compression,
        ForwardedHeadersTransformer forwarded)
    {
        var intercept = pages is { Intercept: true } ? pages : null;
        var rewrite = config?.Rewrite is { } r ? new PathRewrite(r) : null;
        var host = config?.Rewrite?.Host;
        var request = config?.RequestHeaders is { } rq ? new HeaderChanges(rq, forwarded.Addresses) : null;
        var response = config?.ResponseHeaders is { } rs ? new HeaderChanges(rs, forwarded.Addresses) : null;
        if (rewrite is { ChangesPath: false })
        {
            rewrite = null;
        }
        return rewrite is null && host is null && request is null && response is null && intercept is null && compression is null
            ? forwarded
            : new RouteTransformer(target.Pool, forwarded, rewrite, host, request, response, intercept, compression);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
