namespace Tandem.Core.Config.Sections.Routes;

/// <summary>A route's <c>timeouts</c>: the pool's keys but <c>connect</c>, which belongs to the pool's shared connections.</summary>
internal static class RouteTimeoutsBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Response = Keys.Add("response"),
        Idle = Keys.Add("idle"),
        Connect = Keys.Add("connect");

    /// <summary>A route's <c>timeouts</c>: the pool's keys but <c>connect</c>, which belongs to the pool's shared connections.</summary>
    public static PoolTimeouts? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        if (ConfigReader.Value(map, Connect) is { } connect)
        {
            reader.Problem(connect, Connect.At(path),
                "a connection to a server is shared by every route of its pool; set connect in the pool's timeouts");
            return null;
        }
        var response = reader.Duration(map, path, Response);
        var idle = reader.Duration(map, path, Idle);
        return new PoolTimeouts { Response = response, Idle = idle };
    }
}
