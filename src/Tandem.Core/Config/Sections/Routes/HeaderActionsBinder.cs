namespace Tandem.Core.Config.Sections.Routes;

/// <summary>A route's <c>request-headers</c> or <c>response-headers</c>: headers to set, add and remove.</summary>
internal static class HeaderActionsBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Set = Keys.Add("set"),
        Add = Keys.Add("add"),
        Remove = Keys.Add("remove");

    public static HeaderActions? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var ok = true;
        var set = HeaderValues(reader, ConfigReader.Value(map, Set), Set.At(path), ref ok);
        var add = HeaderValues(reader, ConfigReader.Value(map, Add), Add.At(path), ref ok);
        var remove = RouteValues.Strings(reader, ConfigReader.Value(map, Remove), Remove.At(path), (scalar, p) => ConfigValues.Token(reader, scalar, p, "header name"), ref ok);
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
            if (ConfigValues.Token(reader, key, itemPath, "header name") is null || scalar is null
                || !Placeholders.Check(reader, scalar, itemPath, scalar.Text, Placeholders.Header))
            {
                ok = false;
                continue;
            }
            values.Add(new KeyValuePair<string, string>(key.Text, scalar.Text));
        }
        return values;
    }
}
