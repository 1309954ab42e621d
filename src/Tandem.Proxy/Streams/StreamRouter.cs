using System.Collections.Frozen;
using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Proxy.Streams;

/// <summary>
/// Which pool a layer-4 connection goes to: the listener's pool, or for tls-passthrough the first route whose SNI
/// pattern matches the ClientHello's server name (exact, or <c>*.suffix</c>), else the default route. Built once per
/// config; immutable.
/// </summary>
internal sealed class StreamRouter
{
    private readonly SniRoute[] _routes;

    private StreamRouter(SniRoute[] routes, PoolState? fallback)
    {
        _routes = routes;
        Default = fallback;
    }

    /// <summary>Routes nowhere: the settings of a listener bound but not yet committed.</summary>
    public static readonly StreamRouter None = new([], null);

    /// <summary>The pool of connections that match no route (or send no server name); null: they are closed.</summary>
    public PoolState? Default { get; }

    /// <summary>Whether routing needs the client's server name (routes by SNI).</summary>
    public bool RoutesBySni => _routes.Length > 0;

    public static StreamRouter For(ListenerConfig listener, FrozenDictionary<string, PoolState> pools)
    {
        var stream = listener.Stream;
        if (stream is null || stream.Routes.Count == 0)
        {
            return new StreamRouter([], pools[listener.Pool]);
        }
        var routes = new List<SniRoute>(stream.Routes.Count);
        foreach (var route in stream.Routes)
        {
            if (route.Sni is { } sni)
            {
                var wildcard = sni.StartsWith("*.", StringComparison.Ordinal);
                routes.Add(new SniRoute(wildcard ? sni[1..] : sni, wildcard, pools[route.Pool]));
            }
        }
        return new StreamRouter([.. routes], stream.DefaultPool is { } d ? pools[d] : null);
    }

    /// <summary>The pool for a client that sent <paramref name="serverName"/> (lower case; null when it sent none).</summary>
    public PoolState? Route(string? serverName)
    {
        if (serverName is null)
        {
            return Default;
        }
        foreach (var route in _routes)
        {
            if (route.Wildcard
                ? serverName.Length > route.Name.Length && serverName.EndsWith(route.Name, StringComparison.Ordinal)
                : string.Equals(serverName, route.Name, StringComparison.Ordinal))
            {
                return route.Pool;
            }
        }
        return Default;
    }

    /// <summary>A name, or for a wildcard the suffix with its leading dot (".example.com").</summary>
    private readonly record struct SniRoute(string Name, bool Wildcard, PoolState Pool);
}
