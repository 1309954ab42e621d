using System.Globalization;
using System.Net;
using System.Text;
using Tandem.Core.Config.Policies;

namespace Tandem.Core.Config;

/// <summary>
/// <c>policies</c>, <c>default-policy</c>, <c>trusted-proxies</c> and the <c>policy</c> reference of a listener (or a
/// route). The requirements inside a policy are in <c>ConfigBinder.PolicyRequirements.cs</c>.
/// </summary>
internal static partial class ConfigBinder
{
    private static readonly string[] PolicyKeys = ["name", "allow", "deny", "client-certificate", "jwt", "basic-auth", "forward-auth", "rate-limit"];

    private static List<PolicyConfig>? BindPolicies(ConfigReader reader, PolicyReferences references, YamlNode node)
    {
        var sequence = reader.Sequence(node, "policies");
        if (sequence is null)
        {
            return null;
        }
        var policies = new List<PolicyConfig>(sequence.Items.Count);
        var complete = true;
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var policy = BindPolicy(reader, references, sequence.Items[i], ConfigReader.Item("policies", i));
            if (policy is null)
            {
                complete = false;
            }
            else
            {
                policies.Add(policy);
            }
        }
        return complete ? policies : null;
    }

    private static PolicyConfig? BindPolicy(ConfigReader reader, PolicyReferences references, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, PolicyKeys);
        if (map is null)
        {
            return null;
        }
        var problems = reader.Problems.Count;
        var nameNode = reader.Scalar(reader.Required(map, path, "name"), ConfigReader.Child(path, "name"));
        var name = nameNode?.Text;
        if (nameNode is not null && !references.Define(nameNode.Text, nameNode, ConfigReader.Child(path, "name")))
        {
            name = null;
        }
        var allow = Networks(reader, ConfigReader.Value(map, "allow"), ConfigReader.Child(path, "allow"));
        var deny = Networks(reader, ConfigReader.Value(map, "deny"), ConfigReader.Child(path, "deny"));
        var cert = Optional(map, "client-certificate", n => BindClientCertificate(reader, n, ConfigReader.Child(path, "client-certificate")));
        var jwt = Optional(map, "jwt", n => BindJwt(reader, n, ConfigReader.Child(path, "jwt")));
        var basic = Optional(map, "basic-auth", n => BindBasicAuth(reader, n, ConfigReader.Child(path, "basic-auth")));
        var forward = Optional(map, "forward-auth", n => BindForwardAuth(reader, n, ConfigReader.Child(path, "forward-auth")));
        var rate = Optional(map, "rate-limit", n => BindRateLimit(reader, n, ConfigReader.Child(path, "rate-limit")));
        if (name is null || reader.Problems.Count != problems)
        {
            return null;
        }
        references.HttpOnly(name, HttpOnlyRequirements(cert, jwt, basic, forward, rate));
        return new PolicyConfig
        {
            Name = name, Allow = allow, Deny = deny, ClientCertificate = cert, Jwt = jwt, BasicAuth = basic, ForwardAuth = forward,
            RateLimit = rate, Signature = Canonical(node),
        };
    }

    /// <summary>What of a policy needs an HTTP request, named as its keys: a layer-4 listener cannot apply these.</summary>
    private static List<string> HttpOnlyRequirements(ClientCertificatePolicyConfig? cert, JwtPolicyConfig? jwt, BasicAuthPolicyConfig? basic,
        ForwardAuthPolicyConfig? forward, RateLimitPolicyConfig? rate)
    {
        var needs = new List<string>();
        if (cert is not null)
        {
            needs.Add("client-certificate");
        }
        if (jwt is not null)
        {
            needs.Add("jwt");
        }
        if (basic is not null)
        {
            needs.Add("basic-auth");
        }
        if (forward is not null)
        {
            needs.Add("forward-auth");
        }
        if (rate is not null && rate.Key.Kind != RateLimitKeyKind.Ip)
        {
            needs.Add("rate-limit key " + rate.Key);
        }
        return needs;
    }

    private static T? Optional<T>(YamlMapping map, string key, Func<YamlNode, T?> bind)
        where T : class => ConfigReader.Value(map, key) is { } value ? bind(value) : null;

    /// <summary>
    /// <c>policy: NAME</c> or <c>policy: [A, B]</c> (all must allow); each name checked once every policy is known.
    /// <c>layer4</c> is the protocol of a tcp, udp or tls-passthrough listener, whose policies may only check addresses
    /// and rates; null for HTTP.
    /// </summary>
    internal static IReadOnlyList<string>? BindPolicyReference(ConfigReader reader, PolicyReferences references, YamlMapping map, string path,
        string? layer4 = null)
    {
        var node = ConfigReader.Value(map, "policy");
        if (node is null)
        {
            return null;
        }
        var keyPath = ConfigReader.Child(path, "policy");
        var names = new List<string>();
        foreach (var (scalar, itemPath) in Scalars(reader, node, keyPath))
        {
            references.Reference(scalar.Text, scalar, itemPath, layer4);
            names.Add(scalar.Text);
        }
        return names.Count == 0 ? null : names;
    }

    private static readonly Keywords<DefaultPolicy> DefaultPolicies = new(("allow", DefaultPolicy.Allow), ("deny", DefaultPolicy.Deny));

    private static DefaultPolicy? BindDefaultPolicy(ConfigReader reader, YamlMapping map) =>
        reader.Choice(map, "", "default-policy", DefaultPolicies, v => $"unknown value '{v}'; expected allow or deny");

    /// <summary>A CIDR list (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>; a bare address is one host); null when absent.</summary>
    internal static IReadOnlyList<IPNetwork>? Networks(ConfigReader reader, YamlNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }
        var networks = new List<IPNetwork>();
        foreach (var (scalar, itemPath) in Scalars(reader, node, path))
        {
            if (TryNetwork(scalar.Text, out var network))
            {
                networks.Add(network);
            }
            else
            {
                reader.Problem(scalar, itemPath, $"bad CIDR '{scalar.Text}'; expected an address with a prefix length such as 10.0.0.0/8 or 2001:db8::/32");
            }
        }
        return networks;
    }

    private static bool TryNetwork(string text, out IPNetwork network)
    {
        if (IPNetwork.TryParse(text, out network))
        {
            return true;
        }
        // IPNetwork refuses host bits below the prefix; a bare address means that one host.
        if (!text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        return false;
    }

    /// <summary>A scalar or a list of scalars, each with its key path (<c>a.b</c> or <c>a.b[1]</c>).</summary>
    private static List<(YamlScalar Node, string Path)> Scalars(ConfigReader reader, YamlNode node, string path)
    {
        var items = new List<(YamlScalar, string)>();
        if (node is YamlSequence sequence)
        {
            for (var i = 0; i < sequence.Items.Count; i++)
            {
                var itemPath = ConfigReader.Item(path, i);
                if (reader.Scalar(sequence.Items[i], itemPath) is { IsNull: false } scalar)
                {
                    items.Add((scalar, itemPath));
                }
            }
        }
        else if (reader.Scalar(node, path) is { } scalar)
        {
            items.Add((scalar, path));
        }
        return items;
    }

    /// <summary>The node's content as one canonical line, to tell whether a policy changed between two configs.</summary>
    private static string Canonical(YamlNode node)
    {
        var text = new StringBuilder();
        Append(text, node);
        return text.ToString();

        static void Append(StringBuilder text, YamlNode node)
        {
            switch (node)
            {
                case YamlScalar scalar:
                    text.Append('"').Append(scalar.Text.Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                    break;
                case YamlSequence sequence:
                    text.Append('[');
                    foreach (var item in sequence.Items)
                    {
                        Append(text, item);
                        text.Append(',');
                    }
                    text.Append(']');
                    break;
                case YamlMapping mapping:
                    text.Append('{');
                    foreach (var (key, value) in mapping.Pairs)
                    {
                        Append(text, key);
                        text.Append(':');
                        Append(text, value);
                        text.Append(',');
                    }
                    text.Append('}');
                    break;
                default:
                    text.Append(CultureInfo.InvariantCulture, $"?{node.Line}");
                    break;
            }
        }
    }
}
