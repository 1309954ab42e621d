using System.Text.Json.Serialization;

namespace Tandem.Core.Runtime;

/// <summary>
/// A request described for <c>GET /api/explain?listener=...</c>: which of the listener's routes would serve it.
/// </summary>
/// <param name="Listener">The http listener's name.</param>
/// <param name="Host">The Host header (a port and trailing dot are ignored, as for a real request).</param>
/// <param name="Path">The path, starting with '/'; runs of '/' are merged as for a real request.</param>
/// <param name="Method">The method (<c>GET</c> when not given).</param>
/// <param name="Headers">Headers the request carries (for <c>match.headers</c>).</param>
/// <param name="Query">Query parameters the request carries (for <c>match.query</c>).</param>
public sealed record RouteQuery(string Listener, string Host, string Path, string Method,
    IReadOnlyList<KeyValuePair<string, string>> Headers, IReadOnlyList<KeyValuePair<string, string>> Query);

/// <summary>The answer of <c>GET /api/explain?listener=...</c>: the route that serves the request and why each earlier one does not.</summary>
/// <param name="Listener">The listener.</param>
/// <param name="Host">The host as routes compare it (no port, no trailing dot).</param>
/// <param name="Path">The path as routes compare it.</param>
/// <param name="Method">The method.</param>
/// <param name="Matched">Whether one of the listener's routes matched; false when the listener's <c>pool</c> (or its 404) serves the request.</param>
/// <param name="Route">The route that serves the request.</param>
/// <param name="Skipped">Each route written before it (all of them when none matched), in order, with the conditions that failed.</param>
public sealed record RouteExplanation(string Listener, string Host, string Path, string Method, bool Matched, RouteVerdict Route,
    IReadOnlyList<RouteMiss> Skipped);

/// <summary>The route that serves an explained request.</summary>
/// <param name="Name">Its name: <c>routes[].name</c> or <c>route-N</c>; <c>default</c> for the listener's <c>pool</c>, <c>none</c> for its 404.</param>
/// <param name="Line">Its line in the config file; null for <c>default</c> and <c>none</c>.</param>
/// <param name="Action">What it does.</param>
/// <param name="Policies">The access policies its requests must pass, by name: the listener's, then the route's own.</param>
public sealed record RouteVerdict(string Name, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Line, RouteAction Action,
    IReadOnlyList<string> Policies);

/// <summary>A route's action.</summary>
/// <param name="Kind"><c>pool</c>, <c>split</c>, <c>redirect</c> or <c>respond</c>.</param>
/// <param name="Pool">For <c>pool</c>: the pool.</param>
/// <param name="Split">For <c>split</c>: the sides with their weights.</param>
/// <param name="SplitKey">For <c>split</c>: what keeps a client on its side (<c>ip</c>, <c>header:NAME</c>, <c>cookie:NAME</c>); null: each request draws.</param>
/// <param name="To">For <c>redirect</c>: the Location template.</param>
/// <param name="Status">For <c>redirect</c> and <c>respond</c>: the status.</param>
public sealed record RouteAction(
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Pool = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<RouteSplitSide>? Split = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SplitKey = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? To = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Status = null);

/// <summary>One side of a <c>split</c>.</summary>
public sealed record RouteSplitSide(string Pool, int Weight);

/// <summary>A route that does not take an explained request.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Line">Its line in the config file.</param>
/// <param name="Failed">Every condition of its <c>match</c> that does not hold (at least one).</param>
public sealed record RouteMiss(string Name, int Line, IReadOnlyList<RouteConditionMiss> Failed);

/// <summary>A condition that does not hold.</summary>
/// <param name="Condition">The <c>match</c> key: <c>host</c>, <c>path</c>, <c>path-exact</c>, <c>path-regex</c>, <c>methods</c>, <c>headers</c>, <c>query</c>.</param>
/// <param name="Reason">Why, naming the request's value and the condition's.</param>
public sealed record RouteConditionMiss(string Condition, string Reason);
