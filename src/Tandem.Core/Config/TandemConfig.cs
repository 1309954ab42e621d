using Tandem.Core.Config.Policies;

namespace Tandem.Core.Config;

/// <summary>
/// The whole configuration of one Tandem node, as loaded and validated from YAML.
/// Immutable: a reload builds a new instance and the runtime swaps to it.
/// </summary>
public sealed record TandemConfig
{
    /// <summary>Front-end listeners, each bound to one pool.</summary>
    public required IReadOnlyList<ListenerConfig> Listeners { get; init; }

    /// <summary>The admin listener (dashboard, API, metrics); <see cref="ConfigDefaults.AdminBind"/> when absent.</summary>
    public AdminConfig? Admin { get; init; }

    /// <summary>Server pools, referred to by listeners by name.</summary>
    public required IReadOnlyList<PoolConfig> Pools { get; init; }

    /// <summary>
    /// Key <c>drain-timeout</c>: how long shutdown (and a replaced listener) waits for in-flight requests before
    /// aborting them; <see cref="ConfigDefaults.DrainTimeout"/> when absent.
    /// </summary>
    public TimeSpan? DrainTimeout { get; init; }

    /// <summary>
    /// Key <c>data-dir</c>: where the node keeps state of its own (ACME account keys and certificates, under <c>acme/</c>);
    /// <see cref="ConfigDefaults.DataDir"/>, relative to the working directory, when absent.
    /// </summary>
    public string? DataDir { get; init; }

    /// <summary>Key <c>pair</c>: this node's half of a two-node pair; null for a single node.</summary>
    public PairConfig? Pair { get; init; }

    /// <summary>Key <c>access-log</c>: one line per request; null (no access log) when absent. Read at start.</summary>
    public AccessLogConfig? AccessLog { get; init; }

    /// <summary>Key <c>metrics</c>: the per-request detail of <c>/metrics</c>; everything on when absent. Read at start.</summary>
    public MetricsConfig? Metrics { get; init; }

    /// <summary>Key <c>forecast</c>: traffic history and the scale-ahead planner; off when absent.</summary>
    public ForecastConfig? Forecast { get; init; }

    /// <summary>Key <c>alerts</c>: alert rules and webhooks; null means the default rules, logged and shown only.</summary>
    public AlertsConfig? Alerts { get; init; }

    /// <summary>Key <c>logging</c>: levels and format of the diagnostic log (stderr); info and text when absent.</summary>
    public LoggingConfig? Logging { get; init; }

    /// <summary>Key <c>resolver</c>: the DNS server (UDP, an IP and port) that resolves server names; the system resolver when absent.</summary>
    public HostPort? Resolver { get; init; }

    /// <summary>
    /// Key <c>resolve-interval</c>: how often server names are resolved again; when absent, at the answer's TTL with a
    /// <see cref="Resolver"/> and every <see cref="ConfigDefaults.ResolveInterval"/> with the system resolver.
    /// </summary>
    public TimeSpan? ResolveInterval { get; init; }
    /// <summary>Key <c>policies</c>: named access policies that listeners (and routes) refer to with <c>policy</c>.</summary>
    public IReadOnlyList<PolicyConfig>? Policies { get; init; }

    /// <summary>Key <c>default-policy</c>: what a listener without a policy does; <see cref="Policies.DefaultPolicy.Allow"/> when absent.</summary>
    public DefaultPolicy DefaultPolicy { get; init; } = DefaultPolicy.Allow;

    /// <summary>
    /// Key <c>trusted-proxies</c>: peers whose <c>X-Forwarded-For</c> names the real client, for every listener that does not
    /// list its own; none when absent (the connection's address is the client).
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork>? TrustedProxies { get; init; }

    /// <summary>
    /// Key <c>cache</c>: the HTTP cache's storage (memory size, object limit, the shared tier); when absent and a route
    /// caches, <see cref="CacheConfig"/>'s defaults.
    /// </summary>
    public CacheConfig? Cache { get; init; }

    /// <summary>The file this config came from, or a label such as <c>(demo)</c>.</summary>
    public string Source { get; init; } = "(memory)";

    /// <summary>A short content hash of the source text, shown by the admin API so two nodes can compare configs.</summary>
    public string Version { get; init; } = "";

    public PoolConfig? FindPool(string name)
    {
        foreach (var pool in Pools)
        {
            if (string.Equals(pool.Name, name, StringComparison.Ordinal))
            {
                return pool;
            }
        }
        return null;
    }
}
