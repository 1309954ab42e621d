namespace Tandem.Core.Config.Sections.Logging;

/// <summary>The <c>logging</c> section: levels (overall and per category) and format of the diagnostic log.</summary>
internal static class LoggingBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Level = Keys.Add("level"),
        Format = Keys.Add("format"),
        Levels = Keys.Add("levels");

    private static readonly Keywords<LogSeverity> Severities = new(
        ("trace", LogSeverity.Trace),
        ("debug", LogSeverity.Debug),
        ("info", LogSeverity.Info),
        ("warning", LogSeverity.Warning),
        ("error", LogSeverity.Error),
        ("critical", LogSeverity.Critical),
        ("none", LogSeverity.None));

    private static readonly Keywords<LogFormat> Formats = new(("text", LogFormat.Text), ("json", LogFormat.Json));

    private const string SeverityChoices = "expected trace, debug, info, warning, error, critical or none";

    public static LoggingConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var level = reader.Choice(map, path, Level, Severities, v => $"unknown level '{v}'; {SeverityChoices}");
        var format = reader.Choice(map, path, Format, Formats, v => $"unknown format '{v}'; expected text or json");
        var levels = new Dictionary<string, LogSeverity>(StringComparer.Ordinal);
        var complete = true;
        if (ConfigReader.Value(map, Levels) is { } levelsNode)
        {
            var levelsPath = Levels.At(path);
            if (levelsNode is not YamlMapping categories)
            {
                reader.Problem(levelsNode, levelsPath, "expected a mapping of category to level, e.g. {Tandem.Proxy: debug}");
                return null;
            }
            foreach (var (key, value) in categories.Pairs)
            {
                var categoryPath = ConfigReader.Child(levelsPath, key.Text);
                var scalar = reader.Scalar(value, categoryPath);
                if (scalar is null)
                {
                    complete = false;
                }
                else if (!Severities.TryGetValue(scalar.Text, out var severity))
                {
                    reader.Problem(scalar, categoryPath, $"unknown level '{scalar.Text}'; {SeverityChoices}");
                    complete = false;
                }
                else if (!levels.TryAdd(key.Text, severity))
                {
                    reader.Problem(key, categoryPath, "duplicate category");
                    complete = false;
                }
            }
        }
        return complete ? new LoggingConfig { Level = level, Format = format ?? LogFormat.Text, Levels = levels } : null;
    }
}
