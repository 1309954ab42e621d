using Microsoft.AspNetCore.Http;

namespace Tandem.Proxy.Routing;

/// <summary>
/// One entry of a listener's route table: the route's conditions and the <see cref="Route"/> that serves what it
/// matches (or the <see cref="RouteSplit"/> that picks one). Immutable.
/// </summary>
internal sealed class RouteRule(string name, int line, HostPatterns? hosts, RouteConditions conditions, Route? route, RouteSplit? split)
{
    public string Name { get; } = name;

    /// <summary>The route's line in the config file.</summary>
    public int Line { get; } = line;

    /// <summary>The host condition; null when the route takes any host.</summary>
    public HostPatterns? Hosts { get; } = hosts;

    public RouteConditions Conditions { get; } = conditions;

    /// <summary>The routes a request may end on: the one route, or each side of the split.</summary>
    public IReadOnlyList<Route> Routes => route is not null ? [route] : Split!.Sides;

    /// <summary>The split that picks the route; null when there is one route.</summary>
    public RouteSplit? Split { get; } = split;

    public Route Select(HttpContext context) => route ?? Split!.Pick(context);
}
