using System.Globalization;

namespace Tandem.Core.Config;

/// <summary>A listener's <c>routes</c>: each route's name, its one action and what it changes on the way.</summary>
internal static partial class ConfigBinder
{
    private static readonly string[] RouteKeys =
        ["name", "match", "pool", "split", "split-key", "redirect", "respond", "rewrite", "request-headers", "response-headers", "policy", "retries",
         "timeouts", "max-body", "errors", "compression", "header-routing", "cache"];
    private static readonly string[] RouteActionKeys = ["pool", "split", "redirect", "respond"];
    private static readonly string[] SplitKeys = ["pool", "weight"];
    private static readonly string[] RedirectKeys = ["to", "status"];
    private static readonly string[] RespondKeys = ["status", "body", "body-file", "content-type"];
    private static readonly string[] RewriteKeys = ["strip-prefix", "add-prefix", "path-regex", "replace", "host"];
    private static readonly int[] RedirectStatuses = [301, 302, 303, 307, 308];

    /// <summary>The largest <c>respond.body-file</c>: a page, not a download.</summary>
    private const long MaxBodyFile = 1024 * 1024;

    private static List<RouteConfig>? BindRoutes(ConfigReader reader, ConfigCrossChecks checks, YamlNode node, string listenerPath)
    {
        var path = ConfigReader.Child(listenerPath, "routes");
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = 0;
        var routes = BindList(reader, node, path, "must list at least one route", (n, p) => BindRoute(reader, checks, n, p, ++index, names));
        if (routes is not null)
        {
            RouteReachability.Check(reader, routes, path);
        }
        return routes;
    }

    private static RouteConfig? BindRoute(ConfigReader reader, ConfigCrossChecks checks, YamlNode node, string path, int number, Dictionary<string, int> names)
    {
        var map = reader.Mapping(node, path, RouteKeys);
        if (map is null)
        {
            return null;
        }
        var ok = true;
        var name = RouteName(reader, map, path, number, names, ref ok);
        var matchNode = ConfigReader.Value(map, "match");
        var match = matchNode is null ? null : BindRouteMatch(reader, matchNode, ConfigReader.Child(path, "match"));
        ok &= matchNode is null || match is not null;

        var actions = 0;
        foreach (var key in RouteActionKeys)
        {
            if (ConfigReader.Value(map, key) is { } actionNode && ++actions == 2)
            {
                reader.Problem(actionNode, ConfigReader.Child(path, key), "a route does exactly one of pool, split, redirect or respond; remove the others");
                ok = false;
            }
        }
        if (actions == 0)
        {
            reader.Problem(map, path, "needs one of pool, split, redirect or respond");
            ok = false;
        }

        string? pool = null;
        if (reader.Scalar(ConfigReader.Value(map, "pool"), ConfigReader.Child(path, "pool")) is { } poolNode)
        {
            pool = poolNode.Text;
            checks.PoolReference(poolNode, ConfigReader.Child(path, "pool"));
        }
        var splitNode = ConfigReader.Value(map, "split");
        var split = splitNode is null ? null : BindSplit(reader, checks, splitNode, ConfigReader.Child(path, "split"));
        var splitKey = BindSplitKey(reader, map, path, splitNode is not null, ref ok);
        var redirectNode = ConfigReader.Value(map, "redirect");
        var redirect = redirectNode is null ? null : BindRedirect(reader, redirectNode, ConfigReader.Child(path, "redirect"));
        var respondNode = ConfigReader.Value(map, "respond");
        var respond = respondNode is null ? null : BindRespond(reader, respondNode, ConfigReader.Child(path, "respond"));
        ok &= (splitNode is null || split is not null) && (redirectNode is null || redirect is not null) && (respondNode is null || respond is not null);

        var forwards = redirectNode is null && respondNode is null;
        var rewriteNode = ForwardingOnly(reader, map, path, "rewrite", forwards, ref ok);
        var rewrite = rewriteNode is null ? null : BindRewrite(reader, rewriteNode, ConfigReader.Child(path, "rewrite"));
        var requestHeadersNode = ForwardingOnly(reader, map, path, "request-headers", forwards, ref ok);
        var requestHeaders = requestHeadersNode is null ? null : BindHeaderActions(reader, requestHeadersNode, ConfigReader.Child(path, "request-headers"));
        var responseHeadersNode = ConfigReader.Value(map, "response-headers");
        var responseHeaders = responseHeadersNode is null ? null : BindHeaderActions(reader, responseHeadersNode, ConfigReader.Child(path, "response-headers"));
        ForwardingOnly(reader, map, path, "retries", forwards, ref ok);
        var retries = reader.Int(map, path, "retries", 0, 10);
        var policies = BindPolicyReference(reader, checks.Policies, map, path);
        var timeoutsNode = ForwardingOnly(reader, map, path, "timeouts", forwards, ref ok);
        var timeouts = timeoutsNode is null ? null : BindRouteTimeouts(reader, timeoutsNode, ConfigReader.Child(path, "timeouts"));
        ok &= timeoutsNode is null || timeouts is not null;
        var maxBody = BodyLimit(reader, map, path);
        var errorsNode = ConfigReader.Value(map, "errors");
        var errors = errorsNode is null ? null : BindErrorPages(reader, errorsNode, ConfigReader.Child(path, "errors"), forwards);
        ok &= errorsNode is null || errors is not null;
        var compressionNode = ForwardingOnly(reader, map, path, "compression", forwards, ref ok);
        var compression = compressionNode is null ? null : BindCompression(reader, compressionNode, ConfigReader.Child(path, "compression"), ref ok);
        var headerRoutingNode = ForwardingOnly(reader, map, path, "header-routing", forwards, ref ok);
        var headerRouting = headerRoutingNode is null ? null : BindHeaderRouting(reader, headerRoutingNode, ConfigReader.Child(path, "header-routing"));
        ok &= headerRoutingNode is null || headerRouting is not null;
        var cacheNode = ForwardingOnly(reader, map, path, "cache", forwards, ref ok);
        var cache = cacheNode is null ? null : BindRouteCache(reader, cacheNode, ConfigReader.Child(path, "cache"), ref ok);
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
        var node = reader.Scalar(ConfigReader.Value(map, "name"), ConfigReader.Child(path, "name"));
        if (node is null)
        {
            return string.Create(CultureInfo.InvariantCulture, $"route-{number}");
        }
        if (!NameRules.IsValid(node.Text, NameRules.Plain, out var error))
        {
            reader.Problem(node, ConfigReader.Child(path, "name"), error);
            ok = false;
            return null;
        }
        if (names.TryGetValue(node.Text, out var first))
        {
            reader.Problem(node, ConfigReader.Child(path, "name"),
                string.Create(CultureInfo.InvariantCulture, $"duplicate route name '{node.Text}' (first defined at line {first})"));
            ok = false;
            return null;
        }
        names[node.Text] = node.Line;
        return node.Text;
    }

    /// <summary>The node of a key that only makes sense when the route forwards; a problem when it redirects or responds.</summary>
    private static YamlNode? ForwardingOnly(ConfigReader reader, YamlMapping map, string path, string key, bool forwards, ref bool ok)
    {
        var node = ConfigReader.Value(map, key);
        if (node is not null && !forwards)
        {
            reader.Problem(node, ConfigReader.Child(path, key), "applies only to a route that forwards (pool or split), not to redirect or respond");
            ok = false;
            return null;
        }
        return node;
    }

    private static List<SplitTarget>? BindSplit(ConfigReader reader, ConfigCrossChecks checks, YamlNode node, string path)
    {
        var targets = BindList(reader, node, path, "must list at least one pool", (n, p) =>
        {
            var map = reader.Mapping(n, p, SplitKeys);
            if (map is null)
            {
                return null;
            }
            var pool = reader.Scalar(reader.Required(map, p, "pool"), ConfigReader.Child(p, "pool"));
            if (pool is not null)
            {
                checks.PoolReference(pool, ConfigReader.Child(p, "pool"));
            }
            var weight = reader.Int(map, p, "weight", 0, 1000);
            if (ConfigReader.Value(map, "weight") is null)
            {
                reader.Problem(map, p, "missing required key 'weight'");
            }
            return pool is null || weight is null ? null : new SplitTarget(pool.Text, weight.Value);
        });
        if (targets is not null && targets.TrueForAll(t => t.Weight == 0))
        {
            reader.Problem(node, path, "every weight is 0: the route could serve no request");
            return null;
        }
        return targets;
    }

    private static HashKey? BindSplitKey(ConfigReader reader, YamlMapping map, string path, bool hasSplit, ref bool ok)
    {
        var text = reader.String(map, path, "split-key");
        if (text is null)
        {
            return null;
        }
        var node = ConfigReader.Value(map, "split-key")!;
        var key = HashKey.TryParse(text);
        if (key is null)
        {
            reader.Problem(node, ConfigReader.Child(path, "split-key"), $"expected ip, header:NAME or cookie:NAME, got '{text}'");
            ok = false;
        }
        else if (!hasSplit)
        {
            reader.Problem(node, ConfigReader.Child(path, "split-key"), "applies only to a route with split");
            ok = false;
        }
        return key;
    }

    private static RedirectConfig? BindRedirect(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, RedirectKeys);
        if (map is null)
        {
            return null;
        }
        var to = reader.String(map, path, "to", required: true);
        var ok = to is not null && Placeholders.Check(reader, ConfigReader.Value(map, "to")!, ConfigReader.Child(path, "to"), to, Placeholders.Redirect);
        var status = reader.Int(map, path, "status", 100, 599);
        if (status is { } s && Array.IndexOf(RedirectStatuses, s) < 0)
        {
            reader.Problem(ConfigReader.Value(map, "status")!, ConfigReader.Child(path, "status"),
                string.Create(CultureInfo.InvariantCulture, $"expected 301, 302, 303, 307 or 308, got {s}"));
            ok = false;
        }
        return ok ? new RedirectConfig { To = to!, Status = status ?? 302 } : null;
    }

    private static RespondConfig? BindRespond(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, RespondKeys);
        if (map is null)
        {
            return null;
        }
        var status = reader.Int(map, path, "status", 200, 599);
        var body = reader.String(map, path, "body");
        var file = reader.String(map, path, "body-file");
        var contentType = reader.String(map, path, "content-type");
        if (body is not null && file is not null)
        {
            reader.Problem(ConfigReader.Value(map, "body-file")!, ConfigReader.Child(path, "body-file"), "give body or body-file, not both");
            return null;
        }
        if (file is not null)
        {
            try
            {
                body = Files.BoundedFile.ReadAllText(file, MaxBodyFile, "a response body");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                reader.Problem(ConfigReader.Value(map, "body-file")!, ConfigReader.Child(path, "body-file"), $"cannot read '{file}': {ex.Message}");
                return null;
            }
        }
        return new RespondConfig { Status = status ?? 200, Body = body ?? "", BodyFile = file, ContentType = contentType };
    }

    /// <summary>A name or a list of names (<c>policy: staff</c> or <c>policy: [staff, audit]</c>).</summary>
    private static List<string>? NameList(ConfigReader reader, YamlNode? node, string path, ref bool ok)
    {
        if (node is null)
        {
            return null;
        }
        var items = node is YamlSequence sequence ? sequence.Items : [node];
        var names = new List<string>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = node is YamlSequence ? ConfigReader.Item(path, i) : path;
            if (reader.Scalar(items[i], itemPath) is not { } scalar)
            {
                ok = false;
            }
            else if (!NameRules.IsValid(scalar.Text, NameRules.Plain, out var error))
            {
                reader.Problem(scalar, itemPath, error);
                ok = false;
            }
            else
            {
                names.Add(scalar.Text);
            }
        }
        return names;
    }
}
