using System.Net;
using Tandem.Core.Config;
using Tandem.Proxy.Admission;
using Tandem.Proxy.Retries;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Routing;

/// <summary>
/// One route of a listener, compiled when the config is applied: where the requests it matches go and the stages they
/// pass on the way. A stage the route does not need is absent (null), not a no-op. Today every listener has one
/// catch-all route to its pool, whose admission is Kestrel's connection caps alone and whose forwarding settings
/// (timeouts, retries) are the pool's. Immutable.
/// </summary>
internal sealed class Route
{
    public Route(PoolTarget target, AdmissionStage? admission = null)
    {
        Target = target;
        Admission = admission;
        var config = target.Pool.Config;
        Retry = RetryPolicy.For(config, target.Budget);
        RequestConfig = new ForwarderRequestConfig
        {
            // YARP's activity timeout resets on every read and write: it bounds every silence of the server, including
            // the wait for the headers, so it is the larger of the idle and response timeouts; ResponseTimeoutHandler
            // bounds the wait for the headers alone.
            ActivityTimeout = Max(config.Timeouts?.Idle ?? ConfigDefaults.IdleTimeout, config.Timeouts?.Response ?? ConfigDefaults.ResponseTimeout),
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            AllowResponseBuffering = false,
        };
    }

    /// <summary>The pool that serves the route's requests.</summary>
    public PoolTarget Target { get; }

    /// <summary>The checks a request must pass before a server is chosen; null when there are none.</summary>
    public AdmissionStage? Admission { get; }

    /// <summary>When a failed attempt may be tried on another server; null when the route never retries.</summary>
    public RetryPolicy? Retry { get; }

    /// <summary>How YARP forwards the route's requests (timeouts, HTTP version).</summary>
    public ForwarderRequestConfig RequestConfig { get; }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
