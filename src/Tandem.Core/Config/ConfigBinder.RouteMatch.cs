using System.Buffers;
using System.Text.RegularExpressions;

namespace Tandem.Core.Config;

/// <summary>A route's <c>match</c>, <c>rewrite</c> and header changes: the parts that name hosts, paths, headers and patterns.</summary>
internal static partial class ConfigBinder
{
    private static readonly string[] MatchKeys = ["host", "path", "path-exact", "path-regex", "methods", "headers", "query"];
    private static readonly string[] ValueMatchKeys = ["regex", "present"];
    private static readonly string[] HeaderActionKeys = ["set", "add", "remove"];
    private static readonly SearchValues<char> HostChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-._");

    private static RouteMatch? BindRouteMatch(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, MatchKeys);
        if (map is null)
        {
            return null;
        }
        var ok = true;
        var hosts = Strings(reader, ConfigReader.Value(map, "host"), ConfigReader.Child(path, "host"), (scalar, p) => HostPattern(reader, scalar, p), ref ok);
        var prefix = PathValue(reader, map, path, "path", ref ok);
        if (prefix is { Length: > 1 } && prefix[^1] == '/')
        {
            prefix = prefix.TrimEnd('/');
            prefix = prefix.Length == 0 ? "/" : prefix;
        }
        var exact = PathValue(reader, map, path, "path-exact", ref ok);
        var regex = Pattern(reader, map, path, "path-regex", ref ok);
        var methods = Strings(reader, ConfigReader.Value(map, "methods"), ConfigReader.Child(path, "methods"), (scalar, p) => Token(reader, scalar, p, "method"), ref ok);
        var headers = ValueMatches(reader, ConfigReader.Value(map, "headers"), ConfigReader.Child(path, "headers"), header: true, ref ok);
        var query = ValueMatches(reader, ConfigReader.Value(map, "query"), ConfigReader.Child(path, "query"), header: false, ref ok);
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

    private static RewriteConfig? BindRewrite(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, RewriteKeys);
        if (map is null)
        {
            return null;
        }
        var ok = true;
        var strip = PathValue(reader, map, path, "strip-prefix", ref ok);
        var add = PathValue(reader, map, path, "add-prefix", ref ok);
        var regex = Pattern(reader, map, path, "path-regex", ref ok);
        var replacement = reader.String(map, path, "replace");
        if ((regex is null) != (replacement is null) && ok)
        {
            var missing = regex is null ? "path-regex" : "replace";
            reader.Problem(map, path, $"path-regex and replace go together; missing '{missing}'");
            ok = false;
        }
        var host = reader.Scalar(ConfigReader.Value(map, "host"), ConfigReader.Child(path, "host"));
        if (host is not null && (host.Text.Length == 0 || host.Text.AsSpan().IndexOfAny(" \t\r\n/") >= 0))
        {
            reader.Problem(host, ConfigReader.Child(path, "host"), $"expected a host name (and port), got '{host.Text}'");
            ok = false;
        }
        return ok ? new RewriteConfig { StripPrefix = strip?.TrimEnd('/'), AddPrefix = add?.TrimEnd('/'), PathRegex = regex, Replacement = replacement, Host = host?.Text } : null;
    }

    private static HeaderActions? BindHeaderActions(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, HeaderActionKeys);
        if (map is null)
        {
            return null;
        }
        var ok = true;
        var set = HeaderValues(reader, ConfigReader.Value(map, "set"), ConfigReader.Child(path, "set"), ref ok);
        var add = HeaderValues(reader, ConfigReader.Value(map, "add"), ConfigReader.Child(path, "add"), ref ok);
        var remove = Strings(reader, ConfigReader.Value(map, "remove"), ConfigReader.Child(path, "remove"), (scalar, p) => Token(reader, scalar, p, "header name"), ref ok);
        return ok ? new HeaderActions { Set = set, Add = add, Remove = remove ?? [] } : null;
    }

    private static List<KeyValuePair<string, string>> HeaderValues(ConfigReader reader, YamlNode? node, string path, ref bool ok)
    {
        var values = new List<KeyValuePair<string, string>>();
        if (node is null)
        {
            return values;
        }
        if (node is not YamlMapping map)
        {
            reader.Problem(node, path, "expected a mapping of header name to value");
            ok = false;
            return values;
        }
        foreach (var (key, value) in map.Pairs)
        {
            var itemPath = ConfigReader.Child(path, key.Text);
            var scalar = reader.Scalar(value, itemPath);
            if (Token(reader, key, itemPath, "header name") is null || scalar is null
                || !Placeholders.Check(reader, scalar, itemPath, scalar.Text, Placeholders.Header))
            {
                ok = false;
                continue;
            }
            values.Add(new KeyValuePair<string, string>(key.Text, scalar.Text));
        }
        return values;
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
            if (header && Token(reader, key, itemPath, "header name") is null)
            {
                ok = false;
                continue;
            }
            if (value is YamlScalar scalar)
            {
                matches.Add(new NamedValueMatch(key.Text, scalar.Text, null));
                continue;
            }
            var inner = reader.Mapping(value, itemPath, ValueMatchKeys);
            var regex = inner is null ? null : Pattern(reader, inner, itemPath, "regex", ref ok);
            var present = inner is null ? null : reader.Bool(inner, itemPath, "present");
            if (inner is null || (regex is null && present is not true))
            {
                if (inner is not null && ConfigReader.Value(inner, "regex") is null)
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

    /// <summary>A scalar or a list of scalars, each checked by <paramref name="check"/> (null when bad).</summary>
    private static List<string>? Strings(ConfigReader reader, YamlNode? node, string path, Func<YamlScalar, string, string?> check, ref bool ok)
    {
        if (node is null)
        {
            return null;
        }
        var items = node is YamlSequence sequence ? sequence.Items : [node];
        if (items.Count == 0)
        {
            reader.Problem(node, path, "must list at least one value");
            ok = false;
            return null;
        }
        var values = new List<string>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = node is YamlSequence ? ConfigReader.Item(path, i) : path;
            var value = reader.Scalar(items[i], itemPath) is { } scalar ? check(scalar, itemPath) : null;
            if (value is null)
            {
                ok = false;
            }
            else
            {
                values.Add(value);
            }
        }
        return values;
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

    private static string? Token(ConfigReader reader, YamlScalar scalar, string path, string what)
    {
        if (HashKey.TryParse("header:" + scalar.Text) is null)
        {
            reader.Problem(scalar, path, $"'{scalar.Text}' is not a valid {what} (letters, digits and !#$%&'*+-.^_`|~)");
            return null;
        }
        return scalar.Text;
    }

    private static string? PathValue(ConfigReader reader, YamlMapping map, string path, string key, ref bool ok)
    {
        var value = reader.String(map, path, key);
        if (value is not null && (!value.StartsWith('/') || value.AsSpan().IndexOfAny(" ?#") >= 0))
        {
            reader.Problem(ConfigReader.Value(map, key)!, ConfigReader.Child(path, key), $"must be a path starting with '/' (no spaces, query or fragment), got '{value}'");
            ok = false;
            return null;
        }
        return value;
    }

    private static string? Pattern(ConfigReader reader, YamlMapping map, string path, string key, ref bool ok)
    {
        var value = reader.String(map, path, key);
        if (value is null)
        {
            return null;
        }
        try
        {
            _ = new Regex(value, RouteTemplate.PatternOptions);
            return value;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            reader.Problem(ConfigReader.Value(map, key)!, ConfigReader.Child(path, key), $"bad regular expression '{value}': {ex.Message}");
            ok = false;
            return null;
        }
    }
}
