namespace Tandem.Core.Config.Sections.Routes;

/// <summary>A route's <c>compression</c>: <c>true</c> (the defaults), <c>false</c> (off) or which types, how hard, from which size.</summary>
internal static class CompressionBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Types = Keys.Add("types"),
        Level = Keys.Add("level"),
        MinSize = Keys.Add("min-size");

    private static readonly Keywords<CompressionEffort> CompressionLevels = new(("fastest", CompressionEffort.Fastest), ("optimal", CompressionEffort.Optimal));

    /// <summary><c>compression: true</c> (the defaults), <c>false</c> (off, null) or <c>{ types, level, min-size }</c>.</summary>
    public static CompressionConfig? Bind(ConfigReader reader, YamlNode node, string path, ref bool ok)
    {
        if (node is YamlScalar { Text: "true" or "false" } flag)
        {
            return flag.Text == "true" ? new CompressionConfig() : null;
        }
        if (node is not YamlMapping)
        {
            reader.Problem(node, path, "expected true, false or { types: [...], level: fastest|optimal, min-size: 1KB }");
            ok = false;
            return null;
        }
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            ok = false;
            return null;
        }
        var typesOk = true;
        var types = RouteValues.Strings(reader, ConfigReader.Value(map, Types), Types.At(path), (scalar, p) => MediaType(reader, scalar, p), ref typesOk);
        var level = reader.Choice(map, path, Level, CompressionLevels, v => $"unknown level '{v}'; expected fastest or optimal");
        var minSize = ConfigReader.Value(map, MinSize) is null ? null : ReadMinSize(reader, map, path);
        ok &= typesOk && (ConfigReader.Value(map, Level) is null || level is not null) && (ConfigReader.Value(map, MinSize) is null || minSize is not null);
        return new CompressionConfig
        {
            Types = types ?? CompressionConfig.DefaultTypes,
            Level = level ?? CompressionEffort.Fastest,
            MinSize = minSize ?? CompressionConfig.DefaultMinSize,
        };
    }

    /// <summary><c>type/subtype</c> or <c>type/*</c>, lower-cased, without parameters.</summary>
    private static string? MediaType(ConfigReader reader, YamlScalar scalar, string path)
    {
        var text = scalar.Text.Trim().ToLowerInvariant();
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 1 || text.IndexOf('/', slash + 1) >= 0 || text.AsSpan().IndexOfAny(" ;,\"") >= 0
            || (text.Contains('*', StringComparison.Ordinal) && !text.EndsWith("/*", StringComparison.Ordinal)) || text.StartsWith('*'))
        {
            reader.Problem(scalar, path, $"expected a media type such as application/json or text/*, got '{scalar.Text}'");
            return null;
        }
        return text;
    }

    /// <summary><c>min-size</c>: a size, 0 allowed (compress whatever the length).</summary>
    private static long? ReadMinSize(ConfigReader reader, YamlMapping map, string path) =>
        ConfigReader.Value(map, MinSize) is YamlScalar { Text: "0" } ? 0 : ConfigValues.ByteSize(reader, map, path, MinSize);
}
