using System.Buffers;

namespace Tandem.Core.Config.Sections.Routes;

/// <summary>A route's <c>match</c>: hosts, path (prefix, exact or pattern), methods, headers and query parameters.</summary>
internal static class RouteMatchBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Host = Keys.Add("host"),
        PathPrefix = Keys.Add("path"),
        PathExact = Keys.Add("path-exact"),
        PathRegex = Keys.Add("path-regex"),
        Methods = Keys.Add("methods"),
        Headers = Keys.Add("headers"),
        Query = Keys.Add("query");

    /// <summary>The keys of a header or query value written as a mapping (<c>{ regex: PATTERN }</c>, <c>{ present: true }</c>).</summary>
    private static readonly SectionKeys ValueKeys = new();

    private static readonly ConfigKey
        Regex = ValueKeys.Add("regex"),
        Present = ValueKeys.Add("present");

    private static readonly SearchValues<char> HostChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-._");

    public static RouteMatch? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var ok = true;
        var hosts = RouteValues.Strings(reader, ConfigReader.Value(map, Host), Host.At(path), (scalar, p) => HostPattern(reader, scalar, p), ref ok);
        var prefix = RouteValues.PathValue(reader, map, path, PathPrefix, ref ok);
        if (prefix is { Length: > 1 } && prefix[^1] == '/')
        {
            prefix = prefix.TrimEnd('/');
            prefix = prefix.Length == 0 ? "/" : prefix;
        }
        var exact = RouteValues.PathValue(reader, map, path, PathExact, ref ok);
        var regex = RouteValues.Pattern(reader, map, path, PathRegex, ref ok);
        var methods = RouteValues.Strings(reader, ConfigReader.Value(map, Methods), Methods.At(path), (scalar, p) => ConfigValues.Token(reader, scalar, p, "method"), ref ok);
        var headers = ValueMatches(reader, ConfigReader.Value(map, Headers), Headers.At(path), header: true, ref ok);
        var query = ValueMatches(reader, ConfigReader.Value(map, Query), Query.At(path), header: false, ref ok);
        return ok ? new RouteMatch
        {
            Hosts = hosts,
            PathPrefix = prefix,
            PathExact = exact,
            PathRegex = regex,
            Methods = methods?.ConvertAll(m => m.ToUpperInvariant()),
            Headers = headers,
            Query = query,
        } : null;
    }

    private static List<NamedValueMatch>? ValueMatches(ConfigReader reader, YamlNode? node, string path, bool header, ref bool ok)
    {
        if (node is null)
        {
            return null;
        }
        if (node is not YamlMapping map)
        {
            reader.Problem(node, path, header ? "expected a mapping of header name to value" : "expected a mapping of parameter name to value");
            ok = false;
            return null;
        }
        var matches = new List<NamedValueMatch>();
        foreach (var (key, value) in map.Pairs)
        {
            var itemPath = ConfigReader.Child(path, key.Text);
            if (header && ConfigValues.Token(reader, key, itemPath, "header name") is null)
            {
                ok = false;
                continue;
            }
            if (value is YamlScalar scalar)
            {
                matches.Add(new NamedValueMatch(key.Text, scalar.Text, null));
                continue;
            }
            var inner = reader.Mapping(value, itemPath, ValueKeys);
            var regex = inner is null ? null : RouteValues.Pattern(reader, inner, itemPath, Regex, ref ok);
            var present = inner is null ? null : reader.Bool(inner, itemPath, Present);
            if (inner is null || (regex is null && present is not true))
            {
                if (inner is not null && ConfigReader.Value(inner, Regex) is null)
                {
                    reader.Problem(value, itemPath, "expected a value, { regex: PATTERN } or { present: true }");
                }
                ok = false;
                continue;
            }
            matches.Add(new NamedValueMatch(key.Text, null, regex));
        }
        return matches;
    }

    /// <summary><c>example.com</c> or <c>*.example.com</c>, lower-cased, without a trailing dot.</summary>
    private static string? HostPattern(ConfigReader reader, YamlScalar scalar, string path)
    {
        var text = scalar.Text.ToLowerInvariant().TrimEnd('.');
        var name = text.StartsWith("*.", StringComparison.Ordinal) ? text[2..] : text;
        if (name.Length == 0 || name.Length > 253 || name.AsSpan().IndexOfAnyExcept(HostChars) >= 0)
        {
            reader.Problem(scalar, path, $"expected a host name such as api.example.com or *.example.com (no port, no scheme), got '{scalar.Text}'");
            return null;
        }
        return text;
    }
}
