namespace Tandem.Core.Config.Sections.Policies;

/// <summary>The <c>policy</c> key of a listener or a route (the key is theirs), a reference checked once every policy is known.</summary>
internal static class PolicyReferenceBinder
{
    /// <summary>
    /// <c>policy: NAME</c> or <c>policy: [A, B]</c> (all must allow); each name checked once every policy is known.
    /// <c>layer4</c> is the protocol of a tcp, udp or tls-passthrough listener, whose policies may only check addresses
    /// and rates; null for HTTP.
    /// </summary>
    public static IReadOnlyList<string>? Bind(ConfigReader reader, PolicyReferences references, YamlMapping map, string path, ConfigKey key,
        string? layer4 = null)
    {
        var node = ConfigReader.Value(map, key);
        if (node is null)
        {
            return null;
        }
        var keyPath = key.At(path);
        var names = new List<string>();
        foreach (var (scalar, itemPath) in ConfigValues.Scalars(reader, node, keyPath))
        {
            references.Reference(scalar.Text, scalar, itemPath, layer4);
            names.Add(scalar.Text);
        }
        return names.Count == 0 ? null : names;
    }
}
