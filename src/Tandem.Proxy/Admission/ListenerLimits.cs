using Microsoft.AspNetCore.Server.Kestrel.Core;
using Tandem.Core.Config;

namespace Tandem.Proxy.Admission;

/// <summary>
/// The limits of a listener that Kestrel enforces before a request reaches the pipeline: concurrent connections
/// (upgraded ones included) and the keep-alive timeout. Changing them needs a new Kestrel server (<see cref="Same"/>).
/// </summary>
internal static class ListenerLimits
{
    public static void Apply(KestrelServerLimits limits, ListenerConfig config)
    {
        limits.KeepAliveTimeout = config.KeepAliveTimeout ?? ConfigDefaults.ClientKeepAliveTimeout;
        limits.MaxConcurrentConnections = config.MaxConnections ?? ConfigDefaults.ListenerMaxConnections;
        limits.MaxConcurrentUpgradedConnections = config.MaxConnections ?? ConfigDefaults.ListenerMaxConnections;
        // A proxy streams bodies through; size limits belong to the servers behind it.
        limits.MaxRequestBodySize = null;
    }

    /// <summary>Whether <paramref name="next"/> has the limits of <paramref name="current"/>.</summary>
    public static bool Same(ListenerConfig current, ListenerConfig next) =>
        next.KeepAliveTimeout == current.KeepAliveTimeout && next.MaxConnections == current.MaxConnections;
}
