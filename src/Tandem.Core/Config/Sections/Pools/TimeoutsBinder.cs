namespace Tandem.Core.Config.Sections.Pools;

/// <summary>A pool's <c>timeouts</c>: connect, response and idle.</summary>
internal static class TimeoutsBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Connect = Keys.Add("connect"),
        Response = Keys.Add("response"),
        Idle = Keys.Add("idle");

    public static PoolTimeouts? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        return new PoolTimeouts
        {
            Connect = reader.Duration(map, path, Connect),
            Response = reader.Duration(map, path, Response),
            Idle = reader.Duration(map, path, Idle),
        };
    }
}
