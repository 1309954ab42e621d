namespace Tandem.Core.Config.Sections.Queue;

/// <summary>A pool's <c>queue</c>: how many requests wait for a free server, and for how long.</summary>
internal static class QueueBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Size = Keys.Add("size"),
        Timeout = Keys.Add("timeout");

    public static QueueConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        return map is null ? null : new QueueConfig
        {
            Size = reader.Int(map, path, Size, 0, 1_000_000),
            Timeout = reader.Duration(map, path, Timeout),
        };
    }
}
