namespace Tandem.Core.Config;

/// <summary>A pool of servers and how to spread requests over them (YAML <c>pools[]</c>).</summary>
public sealed record PoolConfig
{
    /// <summary>Key <c>name</c>, required, unique among pools.</summary>
    public required string Name { get; init; }

    /// <summary>Key <c>algorithm</c>: one of <see cref="Balancing.BalancingAlgorithms.All"/>; default round-robin.</summary>
    public string Algorithm { get; init; } = Balancing.BalancingAlgorithms.RoundRobin;

    /// <summary>Key <c>servers</c>: at least one.</summary>
    public required IReadOnlyList<ServerConfig> Servers { get; init; }

    /// <summary>Key <c>health</c>: active health checks; none when absent.</summary>
    public HealthConfig? Health { get; init; }

    /// <summary>Key <c>timeouts</c>.</summary>
    public PoolTimeouts? Timeouts { get; init; }

    /// <summary>Key <c>passive</c>: outlier detection on real traffic; on with defaults when absent.</summary>
    public PassiveHealthConfig? Passive { get; init; }

    /// <summary>Key <c>slow-start</c>: ramp a recovered or added server from 10% of its weight over this time; none when absent.</summary>
    public TimeSpan? SlowStart { get; init; }

    /// <summary>Key <c>retries</c>: further servers tried for a request that failed before any response byte; default 2.</summary>
    public int? Retries { get; init; }

    /// <summary>Key <c>retry-body-limit</c>: request bodies up to this many bytes are buffered so they can be retried; default 65536.</summary>
    public int? RetryBodyLimit { get; init; }

    /// <summary>Key <c>queue</c>: where requests wait while every usable server is at its <c>max-connections</c>.</summary>
    public QueueConfig? Queue { get; init; }

    /// <summary>Key <c>hash-key</c>: what <c>ip-hash</c> hashes; the client address when absent.</summary>
    public HashKey? HashKey { get; init; }

    /// <summary>Key <c>agent</c>: load reports for <c>dynamic-weighted</c>; none when absent (live latency, errors and in-flight only).</summary>
    public AgentConfig? Agent { get; init; }

    /// <summary>Key <c>server-header</c>: add <c>X-Tandem-Server: NAME</c> to responses; default false.</summary>
    public bool ServerHeader { get; init; }

    /// <summary>Key <c>keepalive-timeout</c>: how long an idle pooled connection to a server is kept; default 60 s.</summary>
    public TimeSpan? KeepAliveTimeout { get; init; }

    /// <summary>Key <c>capacity</c>: requests/s one server takes at healthy latency; learned from observed saturation when absent.</summary>
    public double? Capacity { get; init; }

    /// <summary>Key <c>sticky</c>: keep a client on the server it had (session affinity); none when absent.</summary>
    public StickyConfig? Sticky { get; init; }

    /// <summary>Key <c>scale-ahead</c>: act before a predicted peak; no planning for this pool when absent.</summary>
    public ScaleAheadConfig? ScaleAhead { get; init; }

    /// <summary>Key <c>tls</c>: HTTPS to the servers; plain HTTP when absent.</summary>
    public UpstreamTlsConfig? Tls { get; init; }

    /// <summary>Key <c>send-proxy</c>: <c>v1</c> or <c>v2</c> sends a PROXY protocol header on each TCP connection to a server; none by default.</summary>
    public ProxyProtocolVersion SendProxy { get; init; }
}
