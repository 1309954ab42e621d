using System.Text.RegularExpressions;

namespace Tandem.Core.Config.Sections.Routes;

/// <summary>
/// Values that a route's <c>match</c>, <c>rewrite</c>, header changes and <c>compression</c> read alike: paths, patterns,
/// lists of names.
/// </summary>
internal static class RouteValues
{
    /// <summary>A scalar or a list of scalars, each checked by <paramref name="check"/> (null when bad).</summary>
    public static List<string>? Strings(ConfigReader reader, YamlNode? node, string path, Func<YamlScalar, string, string?> check, ref bool ok)
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

    public static string? PathValue(ConfigReader reader, YamlMapping map, string path, ConfigKey key, ref bool ok)
    {
        var value = reader.String(map, path, key);
        if (value is not null && (!value.StartsWith('/') || value.AsSpan().IndexOfAny(" ?#") >= 0))
        {
            reader.Problem(ConfigReader.Value(map, key)!, key.At(path), $"must be a path starting with '/' (no spaces, query or fragment), got '{value}'");
            ok = false;
            return null;
        }
        return value;
    }

    public static string? Pattern(ConfigReader reader, YamlMapping map, string path, ConfigKey key, ref bool ok)
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
            reader.Problem(ConfigReader.Value(map, key)!, key.At(path), $"bad regular expression '{value}': {ex.Message}");
            ok = false;
            return null;
        }
    }
}
