using Microsoft.AspNetCore.Server.Kestrel.Core;
using System.Text;
using Tandem.Core.Config;
using Tandem.Proxy.Listeners;

namespace Tandem.Proxy.Admission;

/// <summary>
/// The limits of a listener that Kestrel enforces before a request reaches the pipeline: concurrent connections
/// (upgraded ones included), the keep-alive timeout, the body size and how header bytes are read. Changing them needs a new Kestrel server (<see cref="Same"/>).
/// </summary>
internal static class ListenerLimits
{
    public static void Apply(KestrelServerLimits limits, ListenerConfig config)
    {
        limits.KeepAliveTimeout = config.KeepAliveTimeout ?? ConfigDefaults.ClientKeepAliveTimeout;
        limits.MaxConcurrentConnections = config.MaxConnections ?? ConfigDefaults.ListenerMaxConnections;
        limits.MaxConcurrentUpgradedConnections = config.MaxConnections ?? ConfigDefaults.ListenerMaxConnections;
        // Bodies stream through; the limit (max-body) is enforced by Kestrel while streaming and, for a declared
        // Content-Length, by RequestChecks before a server is chosen (413 without reading the body).
        var maxBody = config.MaxBody ?? ConfigDefaults.MaxBody;
        limits.MaxRequestBodySize = maxBody == long.MaxValue ? null : maxBody;
    }

    /// <summary>
    /// Header bytes: a request's are decoded as the listener's <c>non-ascii-headers</c> says; whatever bytes a server
    /// puts in a response header go back to the client unchanged (Kestrel would refuse non-ASCII and fail the response).
    /// </summary>
    public static void ApplyEncodings(KestrelServerOptions options, ListenerConfig config)
    {
        options.RequestHeaderEncodingSelector = RequestHeaderEncodings.For(config.NonAsciiHeaders);
        options.ResponseHeaderEncodingSelector = static _ => Encoding.Latin1;
    }

    /// <summary>Whether <paramref name="next"/> has the limits of <paramref name="current"/>.</summary>
    public static bool Same(ListenerConfig current, ListenerConfig next) =>
        next.KeepAliveTimeout == current.KeepAliveTimeout && next.MaxConnections == current.MaxConnections
        && next.MaxBody == current.MaxBody && next.NonAsciiHeaders == current.NonAsciiHeaders;
}
