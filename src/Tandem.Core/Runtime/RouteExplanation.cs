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
/// <param name="Client">The address the request comes from (the connection's peer); null: not given, so address checks cannot be decided.</param>
/// <param name="Certificate">The verified client certificate the request's connection carries; null: none.</param>
public sealed record RouteQuery(string Listener, string Host, string Path, string Method,
    IReadOnlyList<KeyValuePair<string, string>> Headers, IReadOnlyList<KeyValuePair<string, string>> Query,
    System.Net.IPAddress? Client = null, ExplainedCertificate? Certificate = null);

/// <summary>A client certificate described for an explanation: what <c>client-certificate</c> policies compare.</summary>
/// <param name="Subject">Its subject, e.g. <c>CN=ops, O=Example</c>; null: not given.</param>
/// <param name="Sans">Its subject alternative names (DNS names and IP addresses).</param>
/// <param name="Fingerprint">Its SHA-256 fingerprint in hex (colons allowed); null: not given.</param>
public sealed record ExplainedCertificate(string? Subject, IReadOnlyList<string> Sans, string? Fingerprint);

/// <summary>The answer of <c>GET /api/explain?listener=...</c>: the route that serves the request and why each earlier one does not.</summary>
/// <param name="Listener">The listener.</param>
/// <param name="Host">The host as routes compare it (no port, no trailing dot).</param>
/// <param name="Path">The path as routes compare it: the given path with its percent-encodings decoded (except <c>%2F</c>) and its dot segments resolved, as Kestrel does, then runs of '/' merged.</param>
/// <param name="Method">The method.</param>
/// <param name="Matched">Whether one of the listener's routes matched; false when the listener's <c>pool</c> (or its 404) serves the request.</param>
/// <param name="Route">The route that serves the request.</param>
/// <param name="Skipped">Each route written before it (all of them when none matched), in order, with the conditions that failed.</param>
/// <param name="RequestPath">The path as given, when it differs from <paramref name="Path"/>.</param>
/// <param name="Access">Whether the route's access policies would let the request through, and why not.</param>
public sealed record RouteExplanation(string Listener, string Host, string Path, string Method, bool Matched, RouteVerdict Route,
    IReadOnlyList<RouteMiss> Skipped, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RequestPath = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AccessExplanation? Access = null);

/// <summary>
/// Would the explained request pass its route's admit stage: each policy in the order the stage asks them, each check
/// of a policy in the order it runs, until the first refusal (the checks after it are not asked, as for a real request).
/// Nothing is spent or counted: a rate limit spends no token, an auth service is not called, decision counters do not move.
/// </summary>
/// <param name="Allowed">true: let through (rate limits permitting, see their checks); false: refused; null: not decidable from what was given (no client address for an address check, a forward-auth service).</param>
/// <param name="Status">The status of the refusal (401, 403, 429); null when not refused.</param>
/// <param name="Client">The real client address the checks see (after <c>trusted-proxies</c> and <c>X-Forwarded-For</c>); null when no <c>client</c> was given.</param>
/// <param name="Policies">The policies asked, in order: the listener's, then the route's, or <c>default-policy</c>'s refusal; empty when nothing is checked.</param>
public sealed record AccessExplanation(
    bool? Allowed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Client,
    IReadOnlyList<PolicyExplanation> Policies);

/// <summary>
/// The answer of <c>GET /api/explain?listener=NAME&amp;client=ADDRESS</c> for a tcp, udp or tls-passthrough listener:
/// would a connection (or UDP flow) from that address be let through.
/// </summary>
/// <param name="Listener">The listener.</param>
/// <param name="Protocol"><c>tcp</c>, <c>udp</c> or <c>tls-passthrough</c>.</param>
/// <param name="Access">Its policies' answer, as for a request.</param>
public sealed record ConnectionExplanation(string Listener, string Protocol, AccessExplanation Access);

/// <summary>One policy's answer for an explained request.</summary>
/// <param name="Name">The policy (<c>default</c> for <c>default-policy: deny</c>'s refusal of a route that names none).</param>
/// <param name="Allowed">As for <see cref="AccessExplanation.Allowed"/>, for this policy alone.</param>
/// <param name="Checks">Its checks in the order they run, up to the first that refuses.</param>
public sealed record PolicyExplanation(string Name, bool? Allowed, IReadOnlyList<CheckExplanation> Checks);

/// <summary>One check of a policy, for an explained request.</summary>
/// <param name="Check">Its kind: <c>cidr</c>, <c>client-certificate</c>, <c>jwt</c>, <c>basic-auth</c>, <c>forward-auth</c>, <c>rate-limit</c>, <c>deny</c>.</param>
/// <param name="Result"><c>allow</c>, <c>deny</c> or <c>unknown</c> (not decidable from what was given).</param>
/// <param name="Reason">For <c>deny</c>: the reason the access log and the metrics would name (<c>cidr</c>, <c>jwt-expired</c>, ...).</param>
/// <param name="Detail">Why, in words.</param>
/// <param name="Status">For <c>deny</c>: the status the client would get (401, 403).</param>
public sealed record CheckExplanation(string Check, string Result,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason, string Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Status = null);

/// <summary>The route that serves an explained request.</summary>
/// <param name="Name">Its name: <c>routes[].name</c> or <c>route-N</c>; <c>default</c> for the listener's <c>pool</c>, <c>none</c> for its 404.</param>
/// <param name="Line">Its line in the config file; null for <c>default</c> and <c>none</c>.</param>
/// <param name="Action">What it does.</param>
/// <param name="Policies">The access policies its requests must pass, by name: the listener's, then the route's own.</param>
/// <param name="DefaultPolicy">When it names no policy: what <c>default-policy</c> does with its requests (<c>allow</c> or <c>deny</c>).</param>
/// <param name="HeaderRouting">Its <c>header-routing</c> (its own or its listener's): who may steer its requests and with which headers.</param>
public sealed record RouteVerdict(string Name, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Line, RouteAction Action,
    IReadOnlyList<string> Policies,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DefaultPolicy = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RouteSteering? HeaderRouting = null);

/// <summary>A route's <c>header-routing</c>, as an explanation shows it.</summary>
/// <param name="PoolHeader">The header that names another pool, if any.</param>
/// <param name="ServerHeader">The header that names a server, if any.</param>
/// <param name="WeightHeader">The header that weighs servers, if any.</param>
/// <param name="From">The callers (CIDRs) that are obeyed; everyone else's headers are removed.</param>
public sealed record RouteSteering(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PoolHeader,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ServerHeader,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? WeightHeader,
    IReadOnlyList<string> From);

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
