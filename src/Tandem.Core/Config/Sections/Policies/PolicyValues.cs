namespace Tandem.Core.Config.Sections.Policies;

/// <summary>Values several policy requirements read alike: URLs and lists of strings.</summary>
internal static class PolicyValues
{
    public static Uri? HttpUrl(ConfigReader reader, YamlNode node, string path, string text)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            return url;
        }
        reader.Problem(node, path, $"expected an http:// or https:// URL, got '{text}'");
        return null;
    }

    /// <summary>A scalar or a list of scalars under <paramref name="key"/>; null when absent.</summary>
    public static List<string>? Strings(ConfigReader reader, YamlMapping map, string path, ConfigKey key)
    {
        if (ConfigReader.Value(map, key) is not { } node)
        {
            return null;
        }
        var values = new List<string>();
        foreach (var (scalar, _) in ConfigValues.Scalars(reader, node, key.At(path)))
        {
            values.Add(scalar.Text);
        }
        return values;
    }
}
