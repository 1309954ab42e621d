namespace Tandem.Core.Config.Sections.Metrics;

/// <summary>The <c>metrics</c> section: the per-request detail of <c>/metrics</c>.</summary>
internal static class MetricsBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Enabled = Keys.Add("enabled"),
        MethodLabel = Keys.Add("method-label");

    public static MetricsConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        return new MetricsConfig { Enabled = reader.Bool(map, path, Enabled), MethodLabel = reader.Bool(map, path, MethodLabel) };
    }
}
