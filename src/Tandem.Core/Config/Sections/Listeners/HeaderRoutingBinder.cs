namespace Tandem.Core.Config.Sections.Listeners;

/// <summary>
/// <c>header-routing</c> of a listener or a route: which request headers may pick the pool, server or weight, and from
/// which networks.
/// </summary>
internal static class HeaderRoutingBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        PoolHeader = Keys.Add("pool-header"),
        ServerHeader = Keys.Add("server-header"),
        WeightHeader = Keys.Add("weight-header"),
        From = Keys.Add("from");

    public static HeaderRoutingConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var ok = true;
        var pool = HeaderName(reader, map, path, PoolHeader, ref ok);
        var server = HeaderName(reader, map, path, ServerHeader, ref ok);
        var weight = HeaderName(reader, map, path, WeightHeader, ref ok);
        var fromNode = reader.Required(map, path, From);
        var problems = reader.Problems.Count;
        var from = fromNode is null ? null : ConfigValues.Networks(reader, fromNode, From.At(path));
        if (from is { Count: 0 } && reader.Problems.Count == problems)
        {
            reader.Problem(fromNode!, From.At(path), "must list at least one network, e.g. [10.0.0.0/8]");
        }
        if (ok && pool is null && server is null && weight is null)
        {
            reader.Problem(map, path, "names no header; give pool-header, server-header or weight-header");
            ok = false;
        }
        return ok && from is { Count: > 0 } && reader.Problems.Count == problems
            ? new HeaderRoutingConfig { PoolHeader = pool, ServerHeader = server, WeightHeader = weight, From = from }
            : null;
    }

    private static string? HeaderName(ConfigReader reader, YamlMapping map, string path, ConfigKey key, ref bool ok)
    {
        if (reader.Scalar(ConfigReader.Value(map, key), key.At(path)) is not { } scalar)
        {
            ok &= ConfigReader.Value(map, key) is null;
            return null;
        }
        var name = ConfigValues.Token(reader, scalar, key.At(path), "header name");
        ok &= name is not null;
        return name;
    }
}
