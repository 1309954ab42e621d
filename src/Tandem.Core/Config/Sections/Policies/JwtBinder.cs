using Tandem.Core.Config.Policies;

namespace Tandem.Core.Config.Sections.Policies;

/// <summary>A policy's <c>jwt</c>: the issuer, audience, key set and claims a bearer token must have.</summary>
internal static class JwtBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Issuer = Keys.Add("issuer"),
        Audience = Keys.Add("audience"),
        JwksFile = Keys.Add("jwks-file"),
        JwksUrl = Keys.Add("jwks-url"),
        Algorithms = Keys.Add("algorithms"),
        Claims = Keys.Add("claims"),
        RefreshInterval = Keys.Add("refresh-interval"),
        ClockSkew = Keys.Add("clock-skew");

    /// <summary>Asymmetric algorithms only: an HMAC secret in a key set meant for public keys invites key confusion.</summary>
    private static readonly string[] JwtAlgorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    public static JwtPolicyConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var file = reader.String(map, path, JwksFile);
        var urlText = reader.String(map, path, JwksUrl);
        Uri? url = null;
        if (file is null == urlText is null)
        {
            reader.Problem(map, path, "needs exactly one of 'jwks-file' and 'jwks-url'");
        }
        if (file is not null && !KeySetFile.TryCheck(file, out var error))
        {
            reader.Problem(ConfigReader.Value(map, JwksFile)!, JwksFile.At(path), error);
        }
        if (urlText is not null)
        {
            url = PolicyValues.HttpUrl(reader, ConfigReader.Value(map, JwksUrl)!, JwksUrl.At(path), urlText);
        }
        var algorithmsNode = reader.Required(map, path, Algorithms);
        var algorithms = PolicyValues.Strings(reader, map, path, Algorithms) ?? [];
        foreach (var algorithm in algorithms)
        {
            if (Array.IndexOf(JwtAlgorithms, algorithm) < 0)
            {
                reader.Problem(algorithmsNode!, Algorithms.At(path),
                    $"unknown or unsafe algorithm '{algorithm}'; expected some of {string.Join(", ", JwtAlgorithms)}");
            }
        }
        if (algorithmsNode is not null && algorithms.Count == 0)
        {
            reader.Problem(algorithmsNode, Algorithms.At(path), "must list at least one algorithm");
        }
        Dictionary<string, string>? claims = null;
        if (ConfigReader.Value(map, Claims) is { } claimsNode)
        {
            var claimsPath = Claims.At(path);
            if (claimsNode is YamlMapping claimsMap)
            {
                claims = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (key, value) in claimsMap.Pairs)
                {
                    if (reader.Scalar(value, ConfigReader.Child(claimsPath, key.Text)) is { } scalar)
                    {
                        claims[key.Text] = scalar.Text;
                    }
                }
            }
            else
            {
                reader.Problem(claimsNode, claimsPath, "expected a mapping of claim name to required value");
            }
        }
        return new JwtPolicyConfig
        {
            Issuer = reader.String(map, path, Issuer),
            Audience = reader.String(map, path, Audience),
            JwksFile = file,
            JwksUrl = url,
            Algorithms = algorithms,
            Claims = claims,
            RefreshInterval = reader.Duration(map, path, RefreshInterval),
            ClockSkew = reader.Duration(map, path, ClockSkew),
        };
    }
}
