namespace Tandem.Core.Config;

/// <summary>
/// Policy names defined under <c>policies</c> and the names listeners (and routes) refer to, resolved in
/// <see cref="Finish"/> once every policy is known, so an unknown name is one problem at its own line.
/// </summary>
internal sealed class PolicyReferences(ConfigReader reader)
{
    private readonly Dictionary<string, int> _defined = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly List<(string Name, YamlScalar Node, string Path)> _references = [];

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

    public void Reference(string name, YamlScalar node, string path) => _references.Add((name, node, path));

    public void Finish()
    {
        foreach (var (name, node, path) in _references)
        {
            if (!_defined.ContainsKey(name))
            {
                var defined = _order.Count == 0 ? "none" : string.Join(", ", _order);
                reader.Problem(node, path, $"unknown policy '{name}'; defined policies: {defined}");
            }
        }
    }
}
