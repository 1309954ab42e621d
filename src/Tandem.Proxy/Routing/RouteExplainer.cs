using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;
using Tandem.Core.Runtime;

namespace Tandem.Proxy.Routing;

/// <summary>
/// <c>GET /api/explain?listener=...</c>: walks a listener's compiled <see cref="RouteTable"/> in the order
/// <see cref="RouteTable.Match"/> does, with the same host patterns and <see cref="RouteConditions"/>, for a request
/// built from the query; names the route that would serve it and, for every route before it, each condition that
/// failed. Nothing is picked: a split names its sides, not one of them. Off the request path; allocates freely.
/// </summary>
internal static class RouteExplainer
{
    public static RouteExplanation Explain(ListenerConfig listener, RouteTable table, RouteQuery query)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = query.Method;
        request.Host = new HostString(query.Host);
        request.Path = new PathString(query.Path);
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
                return new(listener.Name, host, path, request.Method, Matched: true, Verdict(listener, rule), skipped);
            }
            skipped.Add(new RouteMiss(rule.Name, rule.Line, failed));
        }
        return new(listener.Name, host, path, request.Method, Matched: false, Fallback(listener, table.Fallback), skipped);
    }

    private static RouteVerdict Verdict(ListenerConfig listener, RouteRule rule)
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
        return new RouteVerdict(rule.Name, rule.Line, action, [.. listener.Policy ?? [], .. config.Policies ?? []]);
    }

    /// <summary>The listener's own route to its <c>pool</c>, or its 404.</summary>
    private static RouteVerdict Fallback(ListenerConfig listener, Route fallback)
    {
        var action = fallback.Target is not null
            ? new RouteAction("pool", Pool: fallback.Target.Pool.Name)
            : new RouteAction("respond", Status: StatusCodes.Status404NotFound);
        return new RouteVerdict(fallback.Name, null, action, [.. listener.Policy ?? []]);
    }
}
