namespace Tandem.Core.Config.Sections.Routes;

/// <summary>A route's <c>rewrite</c>: path prefix changes, a path pattern and its replacement, the Host header.</summary>
internal static class RewriteBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        StripPrefix = Keys.Add("strip-prefix"),
        AddPrefix = Keys.Add("add-prefix"),
        PathRegex = Keys.Add("path-regex"),
        Replace = Keys.Add("replace"),
        Host = Keys.Add("host");

    public static RewriteConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var ok = true;
        var strip = RouteValues.PathValue(reader, map, path, StripPrefix, ref ok);
        var add = RouteValues.PathValue(reader, map, path, AddPrefix, ref ok);
        var regex = RouteValues.Pattern(reader, map, path, PathRegex, ref ok);
        var replacement = reader.String(map, path, Replace);
        if ((regex is null) != (replacement is null) && ok)
        {
            var missing = regex is null ? PathRegex : Replace;
            reader.Problem(map, path, $"path-regex and replace go together; missing '{missing.Name}'");
            ok = false;
        }
        var host = reader.Scalar(ConfigReader.Value(map, Host), Host.At(path));
        if (host is not null && (host.Text.Length == 0 || host.Text.AsSpan().IndexOfAny(" \t\r\n/") >= 0))
        {
            reader.Problem(host, Host.At(path), $"expected a host name (and port), got '{host.Text}'");
            ok = false;
        }
        return ok ? new RewriteConfig { StripPrefix = strip?.TrimEnd('/'), AddPrefix = add?.TrimEnd('/'), PathRegex = regex, Replacement = replacement, Host = host?.Text } : null;
    }
}
