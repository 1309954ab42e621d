namespace Tandem.Core.Config;

/// <summary><c>header-routing</c> of a listener or a route.</summary>
internal static partial class ConfigBinder
{
    private static readonly string[] HeaderRoutingKeys = ["pool-header", "server-header", "weight-header", "from"];

    private static HeaderRoutingConfig? BindHeaderRouting(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, HeaderRoutingKeys);
        if (map is null)
        {
            return null;
        }
        var ok = true;
        var pool = HeaderName(reader, map, path, "pool-header", ref ok);
        var server = HeaderName(reader, map, path, "server-header", ref ok);
        var weight = HeaderName(reader, map, path, "weight-header", ref ok);
        var fromNode = reader.Required(map, path, "from");
        var problems = reader.Problems.Count;
        var from = fromNode is null ? null : Networks(reader, fromNode, ConfigReader.Child(path, "from"));
        if (from is { Count: 0 } && reader.Problems.Count == problems)
        {
            reader.Problem(fromNode!, ConfigReader.Child(path, "from"), "must list at least one network, e.g. [10.0.0.0/8]");
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

    private static string? HeaderName(ConfigReader reader, YamlMapping map, string path, string key, ref bool ok)
    {
        if (reader.Scalar(ConfigReader.Value(map, key), ConfigReader.Child(path, key)) is not { } scalar)
        {
            ok &= ConfigReader.Value(map, key) is null;
            return null;
        }
        var name = Token(reader, scalar, ConfigReader.Child(path, key), "header name");
        ok &= name is not null;
        return name;
    }
}
