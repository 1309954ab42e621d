namespace Tandem.Core.Config.Sections.Policies;

/// <summary>
/// Policy names defined under <c>policies</c> and the names listeners (and routes) refer to, resolved in
/// <see cref="Finish"/> once every policy is known, so an unknown name is one problem at its own line. A layer-4
/// listener (tcp, udp, tls-passthrough) sees no HTTP request: a policy it names may only check the client address and
/// the rate of new connections, and a reference to one that needs more is a problem at the reference.
/// </summary>
internal sealed class PolicyReferences(ConfigReader reader)
{
    private readonly Dictionary<string, int> _defined = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _httpOnly = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly List<(string Name, YamlScalar Node, string Path, string? Layer4)> _references = [];

    /// <summary>Records a defined policy; false (and a problem) when the name is taken.</summary>
    public bool Define(string name, YamlScalar node, string path)
    {
        if (_defined.TryGetValue(name, out var line))
        {
            reader.Problem(node, path, $"duplicate policy name '{name}' (first defined on line {line})");
            return false;
        }
        _defined[name] = node.Line;
        _order.Add(name);
        return true;
    }

    /// <summary>
    /// The requirements of policy <paramref name="name"/> that need an HTTP request (<c>jwt</c>, <c>rate-limit key
    /// header:X</c>...).
    /// </summary>
    public void HttpOnly(string name, IReadOnlyList<string> requirements)
    {
        if (requirements.Count > 0)
        {
            _httpOnly[name] = requirements;
        }
    }

    /// <summary>A reference from a route or an HTTP listener.</summary>
    public void Reference(string name, YamlScalar node, string path) => _references.Add((name, node, path, null));

    /// <summary>A reference from a layer-4 listener speaking <paramref name="protocol"/> (<c>tcp</c>, <c>udp</c>, <c>tls-passthrough</c>).</summary>
    public void Reference(string name, YamlScalar node, string path, string? protocol) => _references.Add((name, node, path, protocol));

    public void Finish()
    {
        foreach (var (name, node, path, layer4) in _references)
        {
            if (!_defined.ContainsKey(name))
            {
                var defined = _order.Count == 0 ? "none" : string.Join(", ", _order);
                reader.Problem(node, path, $"unknown policy '{name}'; defined policies: {defined}");
            }
            else if (layer4 is not null && _httpOnly.TryGetValue(name, out var needs))
            {
                reader.Problem(node, path, $"policy '{name}' has {Join(needs)}, which need an HTTP request; a {layer4} listener can apply only "
                    + "allow, deny and rate-limit with key ip");
            }
        }
    }

    private static string Join(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];
}
