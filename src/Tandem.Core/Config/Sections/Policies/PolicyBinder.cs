using System.Globalization;
using System.Text;
using Tandem.Core.Config.Policies;

namespace Tandem.Core.Config.Sections.Policies;

/// <summary>
/// The top-level <c>policies</c> (each a name, networks and requirements read by the binders beside this one) and
/// <c>default-policy</c>. References to policies are <see cref="PolicyReferenceBinder"/>'s.
/// </summary>
internal static class PolicyBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Name = Keys.Add("name"),
        Allow = Keys.Add("allow"),
        Deny = Keys.Add("deny"),
        ClientCertificate = Keys.Add("client-certificate"),
        Jwt = Keys.Add("jwt"),
        BasicAuth = Keys.Add("basic-auth"),
        ForwardAuth = Keys.Add("forward-auth"),
        RateLimit = Keys.Add("rate-limit");

    public static List<PolicyConfig>? BindAll(ConfigReader reader, PolicyReferences references, YamlNode node, string path)
    {
        var sequence = reader.Sequence(node, path);
        if (sequence is null)
        {
            return null;
        }
        var policies = new List<PolicyConfig>(sequence.Items.Count);
        var complete = true;
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var policy = Bind(reader, references, sequence.Items[i], ConfigReader.Item(path, i));
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

    private static PolicyConfig? Bind(ConfigReader reader, PolicyReferences references, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var problems = reader.Problems.Count;
        var nameNode = reader.Scalar(reader.Required(map, path, Name), Name.At(path));
        var name = nameNode?.Text;
        if (nameNode is not null && !references.Define(nameNode.Text, nameNode, Name.At(path)))
        {
            name = null;
        }
        var allow = ConfigValues.Networks(reader, ConfigReader.Value(map, Allow), Allow.At(path));
        var deny = ConfigValues.Networks(reader, ConfigReader.Value(map, Deny), Deny.At(path));
        var cert = Optional(map, ClientCertificate, n => ClientCertificatePolicyBinder.Bind(reader, n, ClientCertificate.At(path)));
        var jwt = Optional(map, Jwt, n => JwtBinder.Bind(reader, n, Jwt.At(path)));
        var basic = Optional(map, BasicAuth, n => BasicAuthBinder.Bind(reader, n, BasicAuth.At(path)));
        var forward = Optional(map, ForwardAuth, n => ForwardAuthBinder.Bind(reader, n, ForwardAuth.At(path)));
        var rate = Optional(map, RateLimit, n => RateLimitBinder.Bind(reader, n, RateLimit.At(path)));
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
            needs.Add(ClientCertificate.Name);
        }
        if (jwt is not null)
        {
            needs.Add(Jwt.Name);
        }
        if (basic is not null)
        {
            needs.Add(BasicAuth.Name);
        }
        if (forward is not null)
        {
            needs.Add(ForwardAuth.Name);
        }
        if (rate is not null && rate.Key.Kind != RateLimitKeyKind.Ip)
        {
            needs.Add(RateLimit.Name + " key " + rate.Key);
        }
        return needs;
    }

    private static T? Optional<T>(YamlMapping map, ConfigKey key, Func<YamlNode, T?> bind)
        where T : class => ConfigReader.Value(map, key) is { } value ? bind(value) : null;

    private static readonly Keywords<DefaultPolicy> DefaultPolicies = new(("allow", DefaultPolicy.Allow), ("deny", DefaultPolicy.Deny));

    /// <summary>The top-level <c>default-policy</c>: what a listener without a policy does.</summary>
    public static DefaultPolicy? Default(ConfigReader reader, YamlMapping root, ConfigKey key) =>
        reader.Choice(root, "", key, DefaultPolicies, v => $"unknown value '{v}'; expected allow or deny");

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
