namespace Tandem.Core.Config.Sections.Routes;

/// <summary>A route's <c>split</c>: pools and their weights.</summary>
internal static class SplitBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Pool = Keys.Add("pool"),
        Weight = Keys.Add("weight");

    public static List<SplitTarget>? Bind(ConfigReader reader, ConfigCrossChecks checks, YamlNode node, string path)
    {
        var targets = ConfigValues.List(reader, node, path, "must list at least one pool", (n, p) =>
        {
            var map = reader.Mapping(n, p, Keys);
            if (map is null)
            {
                return null;
            }
            var pool = reader.Scalar(reader.Required(map, p, Pool), Pool.At(p));
            if (pool is not null)
            {
                checks.PoolReference(pool, Pool.At(p));
            }
            var weight = reader.Int(map, p, Weight, 0, 1000);
            if (ConfigReader.Value(map, Weight) is null)
            {
                reader.Problem(map, p, $"missing required key '{Weight}'");
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
}
