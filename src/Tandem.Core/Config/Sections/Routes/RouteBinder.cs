using System.Globalization;
using Tandem.Core.Config.Sections.Listeners;
using Tandem.Core.Config.Sections.Policies;

namespace Tandem.Core.Config.Sections.Routes;

/// <summary>
/// An HTTP listener's <c>routes</c>: each route's name, its one action (pool, split, redirect, respond) and what it
/// changes on the way; nested sections are read by the binders beside this one.
/// </summary>
internal static class RouteBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Name = Keys.Add("name"),
        Match = Keys.Add("match"),
        Pool = Keys.Add("pool"),
        Split = Keys.Add("split"),
        SplitKey = Keys.Add("split-key"),
        Redirect = Keys.Add("redirect"),
        Respond = Keys.Add("respond"),
        Rewrite = Keys.Add("rewrite"),
        RequestHeaders = Keys.Add("request-headers"),
        ResponseHeaders = Keys.Add("response-headers"),
        Policy = Keys.Add("policy"),
        Retries = Keys.Add("retries"),
        Timeouts = Keys.Add("timeouts"),
        MaxBody = Keys.Add("max-body"),
        Errors = Keys.Add("errors"),
        Compression = Keys.Add("compression"),
        HeaderRouting = Keys.Add("header-routing"),
        Cache = Keys.Add("cache");

    /// <summary>The actions of which a route has exactly one.</summary>
    private static readonly ConfigKey[] Actions = [Pool, Split, Redirect, Respond];

    public static List<RouteConfig>? BindAll(ConfigReader reader, ConfigCrossChecks checks, YamlNode node, string path)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = 0;
        var routes = ConfigValues.List(reader, node, path, "must list at least one route", (n, p) => Bind(reader, checks, n, p, ++index, names));
        if (routes is not null)
        {
            RouteReachability.Check(reader, routes, path);
        }
        return routes;
    }

    private static RouteConfig? Bind(ConfigReader reader, ConfigCrossChecks checks, YamlNode node, string path, int number, Dictionary<string, int> names)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var ok = true;
        var name = RouteName(reader, map, path, number, names, ref ok);
        var matchNode = ConfigReader.Value(map, Match);
        var match = matchNode is null ? null : RouteMatchBinder.Bind(reader, matchNode, Match.At(path));
        ok &= matchNode is null || match is not null;

        var actions = 0;
        foreach (var key in Actions)
        {
            if (ConfigReader.Value(map, key) is { } actionNode && ++actions == 2)
            {
                reader.Problem(actionNode, key.At(path), "a route does exactly one of pool, split, redirect or respond; remove the others");
                ok = false;
            }
        }
        if (actions == 0)
        {
            reader.Problem(map, path, "needs one of pool, split, redirect or respond");
            ok = false;
        }

        string? pool = null;
        if (reader.Scalar(ConfigReader.Value(map, Pool), Pool.At(path)) is { } poolNode)
        {
            pool = poolNode.Text;
            checks.PoolReference(poolNode, Pool.At(path));
        }
        var splitNode = ConfigReader.Value(map, Split);
        var split = splitNode is null ? null : SplitBinder.Bind(reader, checks, splitNode, Split.At(path));
        var splitKey = ReadSplitKey(reader, map, path, splitNode is not null, ref ok);
        var redirectNode = ConfigReader.Value(map, Redirect);
        var redirect = redirectNode is null ? null : RedirectBinder.Bind(reader, redirectNode, Redirect.At(path));
        var respondNode = ConfigReader.Value(map, Respond);
        var respond = respondNode is null ? null : RespondBinder.Bind(reader, respondNode, Respond.At(path));
        ok &= (splitNode is null || split is not null) && (redirectNode is null || redirect is not null) && (respondNode is null || respond is not null);

        var forwards = redirectNode is null && respondNode is null;
        var rewriteNode = ForwardingOnly(reader, map, path, Rewrite, forwards, ref ok);
        var rewrite = rewriteNode is null ? null : RewriteBinder.Bind(reader, rewriteNode, Rewrite.At(path));
        var requestHeadersNode = ForwardingOnly(reader, map, path, RequestHeaders, forwards, ref ok);
        var requestHeaders = requestHeadersNode is null ? null : HeaderActionsBinder.Bind(reader, requestHeadersNode, RequestHeaders.At(path));
        var responseHeadersNode = ConfigReader.Value(map, ResponseHeaders);
        var responseHeaders = responseHeadersNode is null ? null : HeaderActionsBinder.Bind(reader, responseHeadersNode, ResponseHeaders.At(path));
        ForwardingOnly(reader, map, path, Retries, forwards, ref ok);
        var retries = reader.Int(map, path, Retries, 0, 10);
        var policies = PolicyReferenceBinder.Bind(reader, checks.Policies, map, path, Policy);
        var timeoutsNode = ForwardingOnly(reader, map, path, Timeouts, forwards, ref ok);
        var timeouts = timeoutsNode is null ? null : RouteTimeoutsBinder.Bind(reader, timeoutsNode, Timeouts.At(path));
        ok &= timeoutsNode is null || timeouts is not null;
        var maxBody = ConfigValues.BodyLimit(reader, map, path, MaxBody);
        var errorsNode = ConfigReader.Value(map, Errors);
        var errors = errorsNode is null ? null : ErrorPagesBinder.Bind(reader, errorsNode, Errors.At(path), forwards);
        ok &= errorsNode is null || errors is not null;
        var compressionNode = ForwardingOnly(reader, map, path, Compression, forwards, ref ok);
        var compression = compressionNode is null ? null : CompressionBinder.Bind(reader, compressionNode, Compression.At(path), ref ok);
        var headerRoutingNode = ForwardingOnly(reader, map, path, HeaderRouting, forwards, ref ok);
        var headerRouting = headerRoutingNode is null ? null : HeaderRoutingBinder.Bind(reader, headerRoutingNode, HeaderRouting.At(path));
        ok &= headerRoutingNode is null || headerRouting is not null;
        var cacheNode = ForwardingOnly(reader, map, path, Cache, forwards, ref ok);
        var cache = cacheNode is null ? null : RouteCacheBinder.Bind(reader, cacheNode, Cache.At(path), ref ok);
        ok &= (rewriteNode is null || rewrite is not null) && (requestHeadersNode is null || requestHeaders is not null)
            && (responseHeadersNode is null || responseHeaders is not null);

        return !ok || name is null ? null : new RouteConfig
        {
            Name = name,
            Match = match,
            Pool = pool,
            Split = split,
            SplitKey = splitKey,
            Redirect = redirect,
            Respond = respond,
            Rewrite = rewrite,
            RequestHeaders = requestHeaders,
            ResponseHeaders = responseHeaders,
            Policies = policies,
            Retries = retries,
            Timeouts = timeouts,
            MaxBody = maxBody,
            Errors = errors,
            Compression = compression,
            HeaderRouting = headerRouting,
            Cache = cache,
            Line = map.Line,
            Column = map.Column,
        };
    }

    private static string? RouteName(ConfigReader reader, YamlMapping map, string path, int number, Dictionary<string, int> names, ref bool ok)
    {
        var node = reader.Scalar(ConfigReader.Value(map, Name), Name.At(path));
        if (node is null)
        {
            return string.Create(CultureInfo.InvariantCulture, $"route-{number}");
        }
        if (!NameRules.IsValid(node.Text, NameRules.Plain, out var error))
        {
            reader.Problem(node, Name.At(path), error);
            ok = false;
            return null;
        }
        if (names.TryGetValue(node.Text, out var first))
        {
            reader.Problem(node, Name.At(path),
                string.Create(CultureInfo.InvariantCulture, $"duplicate route name '{node.Text}' (first defined at line {first})"));
            ok = false;
            return null;
        }
        names[node.Text] = node.Line;
        return node.Text;
    }

    /// <summary>The node of a key that only makes sense when the route forwards; a problem when it redirects or responds.</summary>
    private static YamlNode? ForwardingOnly(ConfigReader reader, YamlMapping map, string path, ConfigKey key, bool forwards, ref bool ok)
    {
        var node = ConfigReader.Value(map, key);
        if (node is not null && !forwards)
        {
            reader.Problem(node, key.At(path), "applies only to a route that forwards (pool or split), not to redirect or respond");
            ok = false;
            return null;
        }
        return node;
    }

    private static HashKey? ReadSplitKey(ConfigReader reader, YamlMapping map, string path, bool hasSplit, ref bool ok)
    {
        var text = reader.String(map, path, SplitKey);
        if (text is null)
        {
            return null;
        }
        var node = ConfigReader.Value(map, SplitKey)!;
        var key = HashKey.TryParse(text);
        if (key is null)
        {
            reader.Problem(node, SplitKey.At(path), $"expected ip, header:NAME or cookie:NAME, got '{text}'");
            ok = false;
        }
        else if (!hasSplit)
        {
            reader.Problem(node, SplitKey.At(path), "applies only to a route with split");
            ok = false;
        }
        return key;
    }
}
