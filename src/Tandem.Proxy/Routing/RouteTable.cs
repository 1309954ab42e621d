using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;
using Tandem.Proxy.Admission.Policies;

namespace Tandem.Proxy.Routing;

/// <summary>
/// The match stage: a listener's routes in the order written, compiled once per config; the first route whose
/// conditions hold serves a request. Immutable; a reload builds a new table and the listener swaps to it atomically.
/// </summary>
internal sealed class RouteTable
{
    private readonly Route[] _routes;

    public RouteTable(Route[] routes)
    {
        ArgumentOutOfRangeException.ThrowIfZero(routes.Length);
        _routes = routes;
    }

    public IReadOnlyList<Route> Routes => _routes;

    /// <summary>
    /// The table of a listener: today one catch-all route to the listener's pool, admitted by the listener's policies
    /// (<paramref name="policies"/>: the config's compiled policies; none when null).
    /// </summary>
    public static RouteTable For(ListenerConfig listener, IReadOnlyDictionary<string, PoolTarget> targets, PolicyCompiler? policies = null) =>
        new([new Route(targets[listener.Pool], policies?.ForListener(listener))]);

    /// <summary>A table with one catch-all route to <paramref name="target"/>.</summary>
    public static RouteTable ToPool(PoolTarget target) => new([new Route(target)]);

    /// <summary>The route that serves <paramref name="request"/>.</summary>
    /// <remarks>Every route is a catch-all today, so the first serves; route conditions (host, path...) are tried here, in order.</remarks>
    public Route Match(HttpRequest request) => _routes[0];
}
