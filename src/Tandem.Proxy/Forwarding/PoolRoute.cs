using System.Net;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// Everything the request path needs for one pool, immutable: the pool's state, its upstream client and the
/// forwarding settings. A reload builds new routes; listeners swap to them atomically.
/// </summary>
internal sealed class PoolRoute(PoolState pool, HttpMessageInvoker client, UpstreamSettings upstream)
{
    public PoolState Pool { get; } = pool;

    public HttpMessageInvoker Client { get; } = client;

    public UpstreamSettings Upstream { get; } = upstream;

    public ForwarderRequestConfig RequestConfig { get; } = new()
    {
        // YARP's activity timeout resets on every read and write: it bounds the wait for the response headers
        // (the response timeout) and every later silence.
        ActivityTimeout = pool.Config.Timeouts?.Response ?? ConfigDefaults.ResponseTimeout,
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        AllowResponseBuffering = false,
    };
}
