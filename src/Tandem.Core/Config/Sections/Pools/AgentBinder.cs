namespace Tandem.Core.Config.Sections.Pools;

/// <summary>A pool's <c>agent</c>: where the dynamic-weighted algorithm asks each server for its weight.</summary>
internal static class AgentBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        PathKey = Keys.Add("path"),
        Interval = Keys.Add("interval"),
        Timeout = Keys.Add("timeout"),
        Port = Keys.Add("port");

    public static AgentConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var agentPath = reader.String(map, path, PathKey, required: true);
        if (agentPath is not null && !agentPath.StartsWith('/'))
        {
            reader.Problem(ConfigReader.Value(map, PathKey)!, PathKey.At(path), $"must start with '/', got '{agentPath}'");
            agentPath = null;
        }
        var interval = reader.Duration(map, path, Interval);
        var timeout = reader.Duration(map, path, Timeout);
        var port = reader.Int(map, path, Port, 1, 65535);
        return agentPath is null ? null : new AgentConfig { Path = agentPath, Interval = interval, Timeout = timeout, Port = port };
    }
}
