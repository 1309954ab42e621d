using System.Globalization;

namespace Tandem.Core.Config.Sections.Routes;

/// <summary>
/// Warns about a route that can never match because an earlier route of the same listener takes every request it
/// would (a catch-all, a shorter path prefix on the same hosts). Only what can be decided from the conditions alone:
/// an earlier route with a regex, header or query condition is never said to cover a later one.
/// </summary>
internal static class RouteReachability
{
    public static void Check(ConfigReader reader, List<RouteConfig> routes, string path)
    {
        for (var later = 1; later < routes.Count; later++)
        {
            for (var earlier = 0; earlier < later; earlier++)
            {
                if (Covers(routes[earlier].Match, routes[later].Match))
                {
                    var cover = routes[earlier];
                    reader.Warning(routes[later].Line, routes[later].Column, ConfigReader.Item(path, later), string.Create(CultureInfo.InvariantCulture,
                        $"route '{routes[later].Name}' can never match: route '{cover.Name}' (line {cover.Line}) takes every request it would"));
                    break;
                }
            }
        }
    }

    /// <summary>Whether every request <paramref name="later"/> matches is matched by <paramref name="earlier"/>.</summary>
    internal static bool Covers(RouteMatch? earlier, RouteMatch? later)
    {
        if (earlier is null)
        {
            return true;
        }
        later ??= new RouteMatch();
        if (earlier.PathRegex is not null || earlier.Headers is not null || earlier.Query is not null)
        {
            return false;
        }
        return HostsCovered(earlier.Hosts, later.Hosts)
            && PrefixCovered(earlier.PathPrefix, later)
            && (earlier.PathExact is null || string.Equals(earlier.PathExact, later.PathExact, StringComparison.Ordinal))
            && (earlier.Methods is null || (later.Methods is not null && later.Methods.All(m => earlier.Methods.Contains(m))));
    }

    private static bool HostsCovered(IReadOnlyList<string>? earlier, IReadOnlyList<string>? later) =>
        earlier is null || (later is not null && later.All(host => earlier.Any(pattern => HostMatches(pattern, host))));

    private static bool HostMatches(string pattern, string host) =>
        pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.Ordinal) && host.Length > pattern.Length - 1
            : string.Equals(pattern, host, StringComparison.Ordinal);

    private static bool PrefixCovered(string? prefix, RouteMatch later)
    {
        if (prefix is null or "/")
        {
            return true;
        }
        var other = later.PathPrefix ?? later.PathExact;
        return other is not null && other.StartsWith(prefix, StringComparison.Ordinal) && (other.Length == prefix.Length || other[prefix.Length] == '/');
    }
}
