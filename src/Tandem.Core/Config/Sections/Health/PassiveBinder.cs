namespace Tandem.Core.Config.Sections.Health;

/// <summary>A pool's <c>passive</c> health: ejecting servers that fail real requests.</summary>
internal static class PassiveBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        ConsecutiveFailures = Keys.Add("consecutive-failures"),
        EjectionTime = Keys.Add("ejection-time"),
        MaxEjectionPercent = Keys.Add("max-ejection-percent"),
        Count5xx = Keys.Add("count-5xx");

    public static PassiveHealthConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        return map is null ? null : new PassiveHealthConfig
        {
            ConsecutiveFailures = reader.Int(map, path, ConsecutiveFailures, 0, 1000),
            EjectionTime = reader.Duration(map, path, EjectionTime),
            MaxEjectionPercent = reader.Int(map, path, MaxEjectionPercent, 0, 100),
            Count5xx = reader.Bool(map, path, Count5xx),
        };
    }
}
