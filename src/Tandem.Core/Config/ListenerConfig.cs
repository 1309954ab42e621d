namespace Tandem.Core.Config;

/// <summary>A front-end listener (YAML <c>listeners[]</c>).</summary>
public sealed record ListenerConfig
{
    /// <summary>Key <c>name</c>, required, unique among listeners.</summary>
    public required string Name { get; init; }

    /// <summary>Key <c>bind</c>: an IP literal and port (<c>127.0.0.1:8080</c>, <c>[::1]:8080</c>, <c>0.0.0.0:8080</c>).</summary>
    public required HostPort Bind { get; init; }

    /// <summary>Key <c>protocol</c>: <c>http</c> (default), <c>tcp</c>, <c>udp</c> or <c>tls-passthrough</c>.</summary>
    public ListenerProtocol Protocol { get; init; } = ListenerProtocol.Http;

    /// <summary>
    /// Key <c>pool</c>: the name of the pool that serves this listener. With <see cref="Routes"/>, it serves the requests
    /// no route matches (optional then: without it they get 404); a listener with routes and no <c>pool</c> has here the
    /// first pool its routes name (what summaries show), or "" when they name none.
    /// </summary>
    public required string Pool { get; init; }

    /// <summary>Key <c>routes</c>: tried in the order written; the first that matches serves the request. Null: every request goes to <see cref="Pool"/>.</summary>
    public IReadOnlyList<RouteConfig>? Routes { get; init; }

    /// <summary>Whether <see cref="Pool"/> was written (<c>pool:</c>): it then serves what no route matches.</summary>
    public bool HasDefaultPool { get; init; } = true;

    /// <summary>
    /// Key <c>http-versions</c>: <c>auto</c> (default: HTTP/1.1 and h2c prior knowledge on the same port),
    /// <c>http1</c> or <c>h2c</c>.
    /// </summary>
    public HttpVersions HttpVersions { get; init; } = HttpVersions.Auto;

    /// <summary>Key <c>keepalive-timeout</c>: idle time before a client keep-alive connection is closed; default 30 s.</summary>
    public TimeSpan? KeepAliveTimeout { get; init; }

    /// <summary>Key <c>max-connections</c>: concurrent client connections; default 5000.</summary>
    public int? MaxConnections { get; init; }

    /// <summary>
    /// Key <c>max-body</c>: the largest request body accepted (<c>100MB</c>, or <c>unlimited</c>); a larger one gets 413
    /// without being read or sent on. Default 1GB (<see cref="ConfigDefaults.MaxBody"/>). A route may set its own later;
    /// the listener's value is the one in force where it does not. <see cref="long.MaxValue"/> means unlimited.
    /// </summary>
    public long? MaxBody { get; init; }

    /// <summary>
    /// Key <c>non-ascii-headers</c>: what to do with request header values holding bytes above 0x7F (UTF-8 names,
    /// Latin-1 cookies): <c>pass</c> (default) sends them on byte for byte, as nginx and HAProxy do; <c>reject</c>
    /// answers 400.
    /// </summary>
    public NonAsciiHeaders NonAsciiHeaders { get; init; } = NonAsciiHeaders.Pass;

    /// <summary>Key <c>policy</c>: a policy name or a list (all must allow), applied to every request of the listener.</summary>
    public IReadOnlyList<string>? Policy { get; init; }

    /// <summary>
    /// Key <c>trusted-proxies</c>: peers whose <c>X-Forwarded-For</c> names the real client (for policies and the access log);
    /// the top-level list when absent.
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork>? TrustedProxies { get; init; }

    /// <summary>Key <c>header-routing</c>: for every route that forwards (unless the route has its own).</summary>
    public HeaderRoutingConfig? HeaderRouting { get; init; }

    /// <summary>Key <c>tls</c>: Tandem terminates TLS on this listener (HTTPS, HTTP/2 by ALPN); plain HTTP when absent.</summary>
    public ListenerTlsConfig? Tls { get; init; }

    /// <summary>The layer-4 settings of a tcp, udp or tls-passthrough listener; null for http.</summary>
    public StreamListenerConfig? Stream { get; init; }
}
