using System.Globalization;
using System.Net;
using Tandem.Core.Config.Sections.Policies;

namespace Tandem.Core.Config;

/// <summary>
/// The checks that span sections: unique listener and pool names, listener binds that do not collide (with each other
/// or with the admin listener), and listeners naming a defined pool. Names are collected while binding; references are
/// resolved in <see cref="Finish"/>, once every pool is known.
/// </summary>
internal sealed class ConfigCrossChecks(ConfigReader reader)
{
    private readonly Dictionary<string, int> _listenerNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _poolNames = new(StringComparer.Ordinal);
    private readonly List<string> _poolOrder = [];
    private readonly List<(string Name, HostPort Bind, int Line)> _binds = [];
    private readonly List<(string Name, HostPort Bind, int Line)> _udpBinds = [];
    private readonly List<(string Pool, YamlScalar Node, string Path)> _poolReferences = [];
    private (HostPort Bind, YamlScalar Node)? _adminBind;
    private string _adminBindPath = "";

    /// <summary>Policy names defined and referred to (listeners, routes).</summary>
    public PolicyReferences Policies { get; } = new(reader);

    public string? ListenerName(YamlMapping map, string path, ConfigKey key) => UniqueName(map, path, key, _listenerNames, "listener");

    public string? PoolName(YamlMapping map, string path, ConfigKey key)
    {
        var name = UniqueName(map, path, key, _poolNames, "pool");
        if (name is not null)
        {
            _poolOrder.Add(name);
        }
        return name;
    }

    public string? PoolReference(YamlMapping map, string path, ConfigKey key)
    {
        var scalar = reader.Scalar(reader.Required(map, path, key), key.At(path));
        if (scalar is not null)
        {
            _poolReferences.Add((scalar.Text, scalar, key.At(path)));
        }
        return scalar?.Text;
    }

    /// <summary>A pool named by a route (<c>routes[].pool</c>, <c>routes[].split[].pool</c>, a tls-passthrough route), resolved in <see cref="Finish"/>.</summary>
    public void PoolReference(YamlScalar scalar, string path) => _poolReferences.Add((scalar.Text, scalar, path));

    public void ListenerBind(string listener, HostPort bind, YamlScalar node, string path) => ListenerBind(listener, bind, node, path, udp: false);

    /// <summary>A UDP listener's port is another namespace than TCP's: DNS serves both on 53.</summary>
    public void ListenerBind(string listener, HostPort bind, YamlScalar node, string path, bool udp)
    {
        var binds = udp ? _udpBinds : _binds;
        foreach (var (other, otherBind, line) in binds)
        {
            if (Collide(bind, otherBind))
            {
                reader.Problem(node, path, string.Create(CultureInfo.InvariantCulture, $"bind {bind} is already used by listener '{other}' (line {line})"));
                return;
            }
        }
        binds.Add((listener, bind, node.Line));
    }

    /// <summary>The admin listener's bind, checked against the listeners' in <see cref="Finish"/>.</summary>
    public void AdminBind(HostPort bind, YamlScalar node, string path)
    {
        // Two fields rather than a three-part tuple: a new ValueTuple shape over our HostPort is JIT-compiled at start-up.
        _adminBind = (bind, node);
        _adminBindPath = path;
    }

    /// <summary>Runs the checks that need the whole file.</summary>
    public void Finish()
    {
        Policies.Finish();
        foreach (var (pool, node, path) in _poolReferences)
        {
            if (!_poolNames.ContainsKey(pool))
            {
                var defined = _poolOrder.Count == 0 ? "none" : string.Join(", ", _poolOrder);
                reader.Problem(node, path, $"unknown pool '{pool}'; defined pools: {defined}");
            }
        }
        if (_adminBind is { } admin)
        {
            foreach (var (listener, bind, line) in _binds)
            {
                if (Collide(admin.Bind, bind))
                {
                    reader.Problem(admin.Node, _adminBindPath,
                        string.Create(CultureInfo.InvariantCulture, $"bind {admin.Bind} is already used by listener '{listener}' (line {line})"));
                    break;
                }
            }
        }
    }

    /// <summary>Two binds collide on the same port when the addresses are equal or one is the any-address of the other's family.</summary>
    private static bool Collide(HostPort a, HostPort b)
    {
        if (a.Port != b.Port || a.Ip is not { } ipA || b.Ip is not { } ipB)
        {
            return false;
        }
        return ipA.Equals(ipB) || IsAny(ipA) || IsAny(ipB);
    }

    private static bool IsAny(IPAddress ip) => ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any);

    private string? UniqueName(YamlMapping map, string path, ConfigKey key, Dictionary<string, int> seen, string kind)
    {
        var node = reader.Scalar(reader.Required(map, path, key), key.At(path));
        if (node is null)
        {
            return null;
        }
        var name = node.Text;
        if (!NameRules.IsValid(name, NameRules.Plain, out var error))
        {
            reader.Problem(node, key.At(path), error);
            return null;
        }
        if (seen.TryGetValue(name, out var firstLine))
        {
            reader.Problem(node, key.At(path),
                string.Create(CultureInfo.InvariantCulture, $"duplicate {kind} name '{name}' (first defined at line {firstLine})"));
            return null;
        }
        seen[name] = node.Line;
        return name;
    }
}
