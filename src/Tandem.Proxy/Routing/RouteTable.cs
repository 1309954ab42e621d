using System.Collections.Frozen;
using System.Net;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Proxy.Admission;
using Tandem.Proxy.Admission.Policies;
using Tandem.Proxy.Forwarding;

using Tandem.Proxy.Caching;

namespace Tandem.Proxy.Routing;

/// <summary>
/// The match stage: a listener's routes in the order written, compiled once per config; the first whose conditions
/// hold serves a request, and what none matches goes to the listener's <c>pool</c> (or gets 404). Hosts are indexed:
/// an exact host finds, in one frozen-dictionary lookup, the ordered list of rules that can take it (its own, the
/// wildcards that cover it, the host-less); any other host walks the wildcard and host-less rules. Matching
/// allocates nothing (except for a query condition, or a path with "//" to merge). Immutable; a reload builds a new
/// table and the listener swaps to it atomically.
/// </summary>
internal sealed class RouteTable
{
    private readonly Route[] _routes;
    private readonly RouteRule[] _rules;
    private readonly FrozenDictionary<string, RouteRule[]>.AlternateLookup<ReadOnlySpan<char>> _byHost;
    private readonly bool _hasHosts;
    private readonly RouteRule[] _anyHost;
    private readonly Route _fallback;

    /// <summary>A table whose every request goes to <paramref name="routes"/>[0] (a listener without <c>routes</c>).</summary>
    public RouteTable(Route[] routes)
        : this([], routes[0])
    {
    }

    private RouteTable(RouteRule[] rules, Route fallback)
    {
        _rules = rules;
        _fallback = fallback;
        var routes = new List<Route>();
        var byHost = new Dictionary<string, List<RouteRule>>(StringComparer.OrdinalIgnoreCase);
        var anyHost = new List<RouteRule>();
        var alternates = new HashSet<HeaderRouting>(ReferenceEqualityComparer.Instance);
        foreach (var rule in rules)
        {
            routes.AddRange(rule.Routes);
            foreach (var route in rule.Routes)
            {
                if (route.HeaderRouting is { } headerRouting && alternates.Add(headerRouting))
                {
                    routes.AddRange(headerRouting.Alternates);
                }
            }
            if (rule.Hosts is null || rule.Hosts.HasWildcards)
            {
                anyHost.Add(rule);
            }
            foreach (var host in rule.Hosts?.Exact ?? [])
            {
                byHost.TryAdd(host, []);
            }
        }
        routes.Add(fallback);
        if (fallback.HeaderRouting is { } fallbackRouting)
        {
            routes.AddRange(fallbackRouting.Alternates);
        }
        _routes = [.. routes];
        // Each exact host's list keeps the written order of every rule that can take the host.
        foreach (var (host, list) in byHost)
        {
            foreach (var rule in rules)
            {
                if (rule.Hosts is null || rule.Hosts.Matches(host))
                {
                    list.Add(rule);
                }
            }
        }
        _hasHosts = byHost.Count > 0;
        _byHost = byHost.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        _anyHost = [.. anyHost];
    }

    /// <summary>Every route a request may end on (a header-routed route's copies after it), the fallback last.</summary>
    public IReadOnlyList<Route> Routes => _routes;

    /// <summary>The listener's routes in order, with their conditions.</summary>
    public IReadOnlyList<RouteRule> Rules => _rules;

    /// <summary>What serves a request no rule matches: the listener's <c>pool</c>, or Tandem's 404.</summary>
    public Route Fallback => _fallback;

    /// <summary>The table of a listener: its routes in order, then its pool (or 404) for what none matches.</summary>
    /// <remarks>
    /// <c>policies</c>: the config's compiled access policies; a route is admitted by its listener's and its own (all must
    /// allow); nothing is checked when null.
    /// <c>trustedProxies</c>: the config's top-level <c>trusted-proxies</c>, for a listener without its own (the forwarding
    /// headers, header routing and <c>{client.ip}</c> read the client address through them).
    /// </remarks>
    public static RouteTable For(ListenerConfig listener, IReadOnlyDictionary<string, PoolTarget> targets, PolicyCompiler? policies = null,
        IRandomSource? random = null, IReadOnlyList<IPNetwork>? trustedProxies = null, HttpCache? cache = null)
    {
        random ??= SharedRandomSource.Instance;
        var listenerAdmission = policies?.ForListener(listener);
        var trusted = listener.TrustedProxies ?? trustedProxies;
        var addresses = trusted is { Count: > 0 } ? new ClientAddressResolver([.. trusted]) : ClientAddressResolver.Direct;
        // One per listener and config: every route of the listener trusts the same proxies.
        var forwarded = trusted is { Count: > 0 } ? new ForwardedHeadersTransformer(addresses) : ForwardedHeadersTransformer.Direct;
        if (listener.Routes is null)
        {
            return new([DefaultRoute(listener, targets, listenerAdmission, forwarded, random)]);
        }
        var rules = new RouteRule[listener.Routes.Count];
        for (var i = 0; i < rules.Length; i++)
        {
            var route = listener.Routes[i];
            var admission = route.Policies is null ? listenerAdmission : policies?.Compile([.. listener.Policy ?? [], .. route.Policies], listener.TrustedProxies);
            var headerRouting = (route.HeaderRouting ?? listener.HeaderRouting) is { } h && route.Redirect is null && route.Respond is null
                ? Alternates(new HeaderRouting(h, addresses, random), route.Name, route, targets, admission, forwarded)
                : null;
            rules[i] = Compile(route, targets, random, admission, headerRouting, forwarded, cache);
        }
        var fallback = listener.HasDefaultPool ? DefaultRoute(listener, targets, listenerAdmission, forwarded, random)
            : new Route(Route.NoRouteName, FixedAnswer.NotFound, null, listenerAdmission);
        return new RouteTable(rules, fallback);
    }

    /// <summary>The listener's own route to its <c>pool</c>, with the listener's header routing.</summary>
    private static Route DefaultRoute(ListenerConfig listener, IReadOnlyDictionary<string, PoolTarget> targets, AdmissionStage? admission,
        ForwardedHeadersTransformer forwarded, IRandomSource random)
    {
        var headerRouting = listener.HeaderRouting is { } h
            ? Alternates(new HeaderRouting(h, forwarded.Addresses, random), Route.ListenerRouteName, null, targets, admission, forwarded)
            : null;
        return new Route(targets[listener.Pool], admission, headerRouting, forwarded);
    }

    /// <summary>Gives <paramref name="headerRouting"/> a copy of the route (name, settings, admission) for every pool.</summary>
    private static HeaderRouting Alternates(HeaderRouting headerRouting, string name, RouteConfig? config, IReadOnlyDictionary<string, PoolTarget> targets,
        AdmissionStage? admission, ForwardedHeadersTransformer forwarded)
    {
        var byPool = new Dictionary<string, Route>(targets.Count, StringComparer.Ordinal);
        foreach (var (pool, target) in targets)
        {
            byPool[pool] = new Route(name, target, config, admission, forwarded: forwarded);
        }
        headerRouting.SetAlternates(byPool);
        return headerRouting;
    }

    /// <summary>A table with one catch-all route to <paramref name="target"/>.</summary>
    public static RouteTable ToPool(PoolTarget target) => new([new Route(target)]);

    /// <summary>The route that serves <paramref name="request"/>.</summary>
    public Route Match(HttpRequest request)
    {
        if (_rules.Length == 0)
        {
            return _fallback;
        }
        var path = MatchPath(request.Path.Value);
        var host = RequestHost.Of(request.Headers.Host);
        if (_hasHosts && _byHost.TryGetValue(host, out var candidates))
        {
            foreach (var rule in candidates)
            {
                if (rule.Conditions.Matches(request, path))
                {
                    return rule.Select(request.HttpContext);
                }
            }
            return _fallback;
        }
        foreach (var rule in _anyHost)
        {
            if ((rule.Hosts is null || rule.Hosts.MatchesWildcard(host)) && rule.Conditions.Matches(request, path))
            {
                return rule.Select(request.HttpContext);
            }
        }
        return _fallback;
    }

    /// <summary>
    /// The path routes compare: Kestrel has already decoded it and resolved its dot segments; runs of '/' are merged
    /// here, so <c>//admin</c> meets the routes of <c>/admin</c>. What is forwarded is the path as Kestrel decoded it.
    /// </summary>
    internal static string MatchPath(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "/";
        }
        var doubled = path.IndexOf("//", StringComparison.Ordinal);
        if (doubled < 0)
        {
            return path;
        }
        var merged = new System.Text.StringBuilder(path.Length);
        merged.Append(path, 0, doubled + 1);
        for (var i = doubled + 1; i < path.Length; i++)
        {
            if (path[i] != '/' || path[i - 1] != '/')
            {
                merged.Append(path[i]);
            }
        }
        return merged.ToString();
    }

    private static RouteRule Compile(RouteConfig config, IReadOnlyDictionary<string, PoolTarget> targets, IRandomSource random, AdmissionStage? admission,
        HeaderRouting? headerRouting, ForwardedHeadersTransformer forwarded, HttpCache? cache)
    {
        var hosts = config.Match?.Hosts is { } h ? new HostPatterns(h) : null;
        var conditions = new RouteConditions(config.Match);
        if (config.Split is { } split)
        {
            var sides = new Route[split.Count];
            var weights = new int[split.Count];
            var sticky = config.SplitKey;
            for (var i = 0; i < sides.Length; i++)
            {
                var target = targets[split[i].Pool];
                sides[i] = new Route(config.Name, target, config, admission, headerRouting, forwarded, cache);
                weights[i] = split[i].Weight;
                if (target.Pool.Config.Sticky is not null)
                {
                    sticky ??= HashKey.ClientAddress;
                }
            }
            return new RouteRule(config.Name, config.Line, hosts, conditions, null, new RouteSplit(sides, weights, sticky, random));
        }
        var responseHeaders = config.ResponseHeaders is { } rs ? new HeaderChanges(rs, forwarded.Addresses) : null;
        var route = config.Pool is { } pool ? new Route(config.Name, targets[pool], config, admission, headerRouting, forwarded, cache)
            : config.Redirect is { } redirect ? new Route(config.Name, new RedirectAnswer(redirect, responseHeaders, forwarded.Addresses), config, admission)
            : new Route(config.Name, new FixedAnswer(config.Respond!, responseHeaders), config, admission);
        return new RouteRule(config.Name, config.Line, hosts, conditions, route, null);
    }
}
