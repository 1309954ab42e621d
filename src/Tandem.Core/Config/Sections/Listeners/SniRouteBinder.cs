namespace Tandem.Core.Config.Sections.Listeners;

/// <summary>
/// A tls-passthrough listener's <c>routes</c>: each a pool, chosen by the SNI name in <c>match</c> (one route may have
/// none: the default).
/// </summary>
internal static class SniRouteBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Match = Keys.Add("match"),
        Pool = Keys.Add("pool");

    /// <summary>The keys of a route's <c>match</c>.</summary>
    private static readonly SectionKeys MatchKeys = new();

    private static readonly ConfigKey Sni = MatchKeys.Add("sni");

    public static List<SniRouteConfig>? BindAll(ConfigReader reader, ConfigCrossChecks checks, YamlNode node, string path, string? listenerPool)
    {
        var sequence = reader.Sequence(node, path);
        if (sequence is null)
        {
            return null;
        }
        var routes = new List<SniRouteConfig>(sequence.Items.Count);
        var ok = true;
        var hasDefault = listenerPool is not null;
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var itemPath = ConfigReader.Item(path, i);
            var map = reader.Mapping(sequence.Items[i], itemPath, Keys);
            if (map is null)
            {
                ok = false;
                continue;
            }
            var poolNode = reader.Scalar(reader.Required(map, itemPath, Pool), Pool.At(itemPath));
            if (poolNode is not null)
            {
                checks.PoolReference(poolNode, Pool.At(itemPath));
            }
            string? sni = null;
            if (ConfigReader.Value(map, Match) is { } matchNode)
            {
                var matchPath = Match.At(itemPath);
                var match = reader.Mapping(matchNode, matchPath, MatchKeys);
                sni = match is null ? null : reader.String(match, matchPath, Sni, required: true);
                if (sni is not null && SniName.Normalize(sni) is { } normal)
                {
                    sni = normal;
                }
                else
                {
                    if (sni is not null)
                    {
                        reader.Problem(ConfigReader.Value(match!, Sni)!, Sni.At(matchPath),
                            $"expected a host name or *.suffix (letters, digits, '-' and '.'), got '{sni}'");
                    }
                    ok = false;
                    continue;
                }
            }
            else if (hasDefault)
            {
                reader.Problem(map, itemPath, listenerPool is null
                    ? "a second route without match; only one default route is allowed"
                    : "a route without match, but the listener's pool is already the default");
                ok = false;
            }
            hasDefault |= sni is null;
            if (poolNode is null)
            {
                ok = false;
                continue;
            }
            routes.Add(new SniRouteConfig { Sni = sni, Pool = poolNode.Text });
        }
        return ok ? routes : null;
    }
}
