using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Proxy.Forwarding;
using Tandem.Proxy.Forwarding.Http11;
using Tandem.Proxy.Retries;
using Tandem.Proxy.Selection;

namespace Tandem.Proxy.Routing;

/// <summary>
/// A pool as routes send requests to it, immutable: the pool's state, its upstream client, its queue and its retry
/// budget. One per pool and config generation, shared by every route to the pool; a reload builds new ones and
/// listeners swap to them atomically.
/// </summary>
internal sealed class PoolTarget(PoolState pool, HttpMessageInvoker client, UpstreamSettings upstream, Http11Upstream? http11 = null)
{
    public PoolState Pool { get; } = pool;

    public HttpMessageInvoker Client { get; } = client;

    /// <summary>
    /// The pool's connections for the lean HTTP/1.1 path (<see cref="Http11Forwarder"/>); null when the pool's requests all
    /// go through YARP (TLS to the servers, or the lean path switched off).
    /// </summary>
    public Http11Upstream? Http11 { get; } = http11;

    public UpstreamSettings Upstream { get; } = upstream;

    /// <summary>Retries may add at most 20% to the pool's requests (burst: 10).</summary>
    public RetryBudget Budget { get; } = new(ConfigDefaults.RetryBudget, burst: 10);

    /// <summary>Where requests wait while every usable server is at its max-connections.</summary>
    public PoolQueue Queue { get; } = new(pool.Config.Queue?.Size ?? ConfigDefaults.QueueSize,
        pool.Config.Queue?.Timeout ?? ConfigDefaults.QueueTimeout, pool.Context.Time);
}
