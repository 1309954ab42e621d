namespace Tandem.Core.Config.Sections.AccessLog;

/// <summary>The <c>access-log</c> section: one line per request, where and in which format.</summary>
internal static class AccessLogBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Enabled = Keys.Add("enabled"),
        Path = Keys.Add("path"),
        Format = Keys.Add("format"),
        Buffer = Keys.Add("buffer"),
        MaxSize = Keys.Add("max-size"),
        MaxFiles = Keys.Add("max-files");

    private static readonly Keywords<AccessLogFormat> AccessLogFormats = new(("json", AccessLogFormat.Json), ("combined", AccessLogFormat.Combined));

    public static AccessLogConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var file = reader.String(map, path, Path);
        if (file is { Length: 0 })
        {
            reader.Problem(ConfigReader.Value(map, Path)!, Path.At(path), "must name a file, or '-' for standard output");
        }
        return new AccessLogConfig
        {
            Enabled = reader.Bool(map, path, Enabled),
            Path = file,
            Format = reader.Choice(map, path, Format, AccessLogFormats, f => $"unknown format '{f}'; expected json or combined"),
            Buffer = reader.Int(map, path, Buffer, 16, 16 * 1024 * 1024),
            MaxSize = ConfigValues.ByteSize(reader, map, path, MaxSize),
            MaxFiles = reader.Int(map, path, MaxFiles, 1, 1000),
        };
    }
}
