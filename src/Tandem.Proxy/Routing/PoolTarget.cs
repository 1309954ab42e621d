using System.Net;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Proxy.Forwarding;
using Tandem.Proxy.Retries;
using Tandem.Proxy.Selection;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Routing;

/// <summary>
/// Everything the request path needs for one pool, immutable: the pool's state, its upstream client and the
/// forwarding settings. A reload builds new routes; listeners swap to them atomically.
/// </summary>
internal sealed class PoolTarget(PoolState pool, HttpMessageInvoker client, UpstreamSettings upstream)
{
    public PoolState Pool { get; } = pool;

    public HttpMessageInvoker Client { get; } = client;

    public UpstreamSettings Upstream { get; } = upstream;

    /// <summary>Further servers a failed request may be tried on (<c>retries</c>).</summary>
    public int Retries { get; } = pool.Config.Retries ?? ConfigDefaults.Retries;

    /// <summary>Request bodies up to this size are buffered so a retry can send them again.</summary>
    public int RetryBodyLimit { get; } = pool.Config.RetryBodyLimit ?? ConfigDefaults.RetryBodyLimit;

    /// <summary>Retries may add at most 20% to the pool's requests (burst: 10).</summary>
    public RetryBudget Budget { get; } = new(ConfigDefaults.RetryBudget, burst: 10);

    /// <summary>Where requests wait while every usable server is at its max-connections.</summary>
    public PoolQueue Queue { get; } = new(pool.Config.Queue?.Size ?? ConfigDefaults.QueueSize,
        pool.Config.Queue?.Timeout ?? ConfigDefaults.QueueTimeout, pool.Context.Time);

    public ForwarderRequestConfig RequestConfig { get; } = new()
    {
        // YARP's activity timeout resets on every read and write: it bounds every silence of the server, including the
        // wait for the headers, so it is the larger of the idle and response timeouts; ResponseTimeoutHandler bounds
        // the wait for the headers alone.
        ActivityTimeout = Max(pool.Config.Timeouts?.Idle ?? ConfigDefaults.IdleTimeout, pool.Config.Timeouts?.Response ?? ConfigDefaults.ResponseTimeout),
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        AllowResponseBuffering = false,
    };

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
