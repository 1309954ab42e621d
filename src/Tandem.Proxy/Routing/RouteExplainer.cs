using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;
using Tandem.Core.Config.Policies;
using Tandem.Core.Runtime;
using Tandem.Proxy.Admission.Policies;

namespace Tandem.Proxy.Routing;

/// <summary>
/// <c>GET /api/explain?listener=...</c>: walks a listener's compiled <see cref="RouteTable"/> in the order
/// <see cref="RouteTable.Match"/> does, with the same host patterns and <see cref="RouteConditions"/>, for a request
/// built from the query; names the route that would serve it and, for every route before it, each condition that
/// failed. Nothing is picked: a split names its sides, not one of them. Off the request path; allocates freely.
/// </summary>
internal static class RouteExplainer
{
    /// <param name="listener">The http listener's config.</param>
    /// <param name="table">Its compiled routes in force.</param>
    /// <param name="query">The request to explain; its path as a client would send it.</param>
    /// <param name="defaultPolicy">What <c>default-policy</c> does with a route that names no policy.</param>
    public static RouteExplanation Explain(ListenerConfig listener, RouteTable table, RouteQuery query, DefaultPolicy defaultPolicy) =>
        Walk(listener, table, query, defaultPolicy).Explanation;

    /// <summary>
    /// As <see cref="Explain"/>, and whether the route's access policies would let the request through
    /// (<see cref="RouteExplanation.Access"/>), asked without spending or counting anything.
    /// </summary>
    public static async Task<RouteExplanation> ExplainWithAccessAsync(ListenerConfig listener, RouteTable table, RouteQuery query, DefaultPolicy defaultPolicy)
    {
        var (explanation, route, context) = Walk(listener, table, query, defaultPolicy);
        var access = await PolicyExplainer.ExplainAsync(route.Admission, context, new ExplainInput(query.Client is not null, query.Certificate));
        return explanation with { Access = access };
    }

    private static (RouteExplanation Explanation, Route Route, HttpContext Context) Walk(ListenerConfig listener, RouteTable table, RouteQuery query,
        DefaultPolicy defaultPolicy)
    {
        var context = new DefaultHttpContext();
        if (query.Client is { } client)
        {
            context.Connection.RemoteIpAddress = client;
        }
        var request = context.Request;
        request.Method = query.Method;
        request.Host = new HostString(query.Host);
        // The path as a client sends it; Kestrel would decode and resolve it before any route sees it.
        var received = RequestTargetPath.Normalize(query.Path);
        request.Path = new PathString(received);
        foreach (var (name, value) in query.Headers)
        {
            request.Headers.Append(name, value);
        }
        var parameters = new List<KeyValuePair<string, string?>>(query.Query.Count);
        foreach (var (name, value) in query.Query)
        {
            parameters.Add(new(name, value));
        }
        request.QueryString = QueryString.Create(parameters);

        var path = RouteTable.MatchPath(request.Path.Value);
        var host = RequestHost.Of(request.Headers.Host).ToString();
        var skipped = new List<RouteMiss>();
        foreach (var rule in table.Rules)
        {
            var failed = new List<RouteConditionMiss>();
            if (rule.Hosts is { } hosts && !hosts.Matches(host))
            {
                failed.Add(new("host", $"host '{host}' is not one of [{string.Join(", ", hosts.Patterns)}]"));
            }
            rule.Conditions.Explain(request, path, failed);
            if (failed.Count == 0)
            {
                return (new(listener.Name, host, path, request.Method, Matched: true, Verdict(listener, rule, defaultPolicy), skipped, Given(query, path)),
                    rule.Routes[0], context);
            }
            skipped.Add(new RouteMiss(rule.Name, rule.Line, failed));
        }
        return (new(listener.Name, host, path, request.Method, Matched: false, Fallback(listener, table.Fallback, defaultPolicy), skipped, Given(query, path)),
            table.Fallback, context);
    }

    private static string? Given(RouteQuery query, string path) => query.Path == path ? null : query.Path;

    /// <summary>The policies a route's requests pass; when there are none, what the default policy does with them.</summary>
    private static RouteVerdict WithPolicies(RouteVerdict verdict, Route route, DefaultPolicy defaultPolicy)
    {
        var steering = route.HeaderRouting?.Config is { } h
            ? new RouteSteering(h.PoolHeader, h.ServerHeader, h.WeightHeader, [.. h.From.Select(n => n.ToString())])
            : null;
        return verdict with
        {
            DefaultPolicy = verdict.Policies.Count == 0 ? (defaultPolicy == DefaultPolicy.Deny ? "deny" : "allow") : null,
            HeaderRouting = steering,
        };
    }

    private static RouteVerdict Verdict(ListenerConfig listener, RouteRule rule, DefaultPolicy defaultPolicy)
    {
        var config = rule.Routes[0].Config!;
        RouteAction action;
        if (rule.Split is { } split)
        {
            var sides = new List<RouteSplitSide>(config.Split!.Count);
            foreach (var side in config.Split)
            {
                sides.Add(new RouteSplitSide(side.Pool, side.Weight));
            }
            action = new RouteAction("split", Split: sides, SplitKey: split.Key?.ToString());
        }
        else if (config.Pool is { } pool)
        {
            action = new RouteAction("pool", Pool: pool);
        }
        else if (config.Redirect is { } redirect)
        {
            action = new RouteAction("redirect", To: redirect.To, Status: redirect.Status);
        }
        else
        {
            action = new RouteAction("respond", Status: config.Respond!.Status);
        }
        return WithPolicies(new RouteVerdict(rule.Name, rule.Line, action, [.. listener.Policy ?? [], .. config.Policies ?? []]), rule.Routes[0], defaultPolicy);
    }

    /// <summary>The listener's own route to its <c>pool</c>, or its 404.</summary>
    private static RouteVerdict Fallback(ListenerConfig listener, Route fallback, DefaultPolicy defaultPolicy)
    {
        var action = fallback.Target is not null
            ? new RouteAction("pool", Pool: fallback.Target.Pool.Name)
            : new RouteAction("respond", Status: StatusCodes.Status404NotFound);
        return WithPolicies(new RouteVerdict(fallback.Name, null, action, [.. listener.Policy ?? []]), fallback, defaultPolicy);
    }
}
