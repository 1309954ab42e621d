using System.Globalization;
using Tandem.Core.Config.Policies;

namespace Tandem.Core.Config;

/// <summary>The requirements inside a policy: <c>client-certificate</c>, <c>jwt</c>, <c>basic-auth</c>, <c>forward-auth</c>, <c>rate-limit</c>.</summary>
internal static partial class ConfigBinder
{
    private static readonly string[] CertificateMatchKeys = ["subject", "san", "fingerprint"];
    private static readonly string[] JwtKeys = ["issuer", "audience", "jwks-file", "jwks-url", "algorithms", "claims", "refresh-interval", "clock-skew"];
    private static readonly string[] BasicAuthKeys = ["htpasswd", "realm"];
    private static readonly string[] ForwardAuthKeys = ["url", "copy-headers", "cache", "timeout"];
    private static readonly string[] RateLimitKeys = ["key", "rate", "burst", "size"];

    /// <summary>Asymmetric algorithms only: an HMAC secret in a key set meant for public keys invites key confusion.</summary>
    private static readonly string[] JwtAlgorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    private static ClientCertificatePolicyConfig? BindClientCertificate(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, CertificateMatchKeys);
        if (map is null)
        {
            return null;
        }
        var subject = Strings(reader, map, path, "subject");
        var san = Strings(reader, map, path, "san");
        var fingerprint = Strings(reader, map, path, "fingerprint");
        if (fingerprint is not null)
        {
            for (var i = 0; i < fingerprint.Count; i++)
            {
                var hex = fingerprint[i].Replace(":", "", StringComparison.Ordinal);
                if (hex.Length != 64 || !IsHex(hex))
                {
                    reader.Problem(ConfigReader.Value(map, "fingerprint")!, ConfigReader.Child(path, "fingerprint"),
                        $"expected a SHA-256 fingerprint (64 hex digits, colons optional), got '{fingerprint[i]}'");
                }
            }
        }
        return new ClientCertificatePolicyConfig { Subject = subject, San = san, Fingerprint = fingerprint };
    }

    private static JwtPolicyConfig? BindJwt(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, JwtKeys);
        if (map is null)
        {
            return null;
        }
        var file = reader.String(map, path, "jwks-file");
        var urlText = reader.String(map, path, "jwks-url");
        Uri? url = null;
        if (file is null == urlText is null)
        {
            reader.Problem(map, path, "needs exactly one of 'jwks-file' and 'jwks-url'");
        }
        if (file is not null && !KeySetFile.TryCheck(file, out var error))
        {
            reader.Problem(ConfigReader.Value(map, "jwks-file")!, ConfigReader.Child(path, "jwks-file"), error);
        }
        if (urlText is not null)
        {
            url = HttpUrl(reader, ConfigReader.Value(map, "jwks-url")!, ConfigReader.Child(path, "jwks-url"), urlText);
        }
        var algorithmsNode = reader.Required(map, path, "algorithms");
        var algorithms = Strings(reader, map, path, "algorithms") ?? [];
        foreach (var algorithm in algorithms)
        {
            if (Array.IndexOf(JwtAlgorithms, algorithm) < 0)
            {
                reader.Problem(algorithmsNode!, ConfigReader.Child(path, "algorithms"),
                    $"unknown or unsafe algorithm '{algorithm}'; expected some of {string.Join(", ", JwtAlgorithms)}");
            }
        }
        if (algorithmsNode is not null && algorithms.Count == 0)
        {
            reader.Problem(algorithmsNode, ConfigReader.Child(path, "algorithms"), "must list at least one algorithm");
        }
        Dictionary<string, string>? claims = null;
        if (ConfigReader.Value(map, "claims") is { } claimsNode)
        {
            var claimsPath = ConfigReader.Child(path, "claims");
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
            Issuer = reader.String(map, path, "issuer"),
            Audience = reader.String(map, path, "audience"),
            JwksFile = file,
            JwksUrl = url,
            Algorithms = algorithms,
            Claims = claims,
            RefreshInterval = reader.Duration(map, path, "refresh-interval"),
            ClockSkew = reader.Duration(map, path, "clock-skew"),
        };
    }

    private static BasicAuthPolicyConfig? BindBasicAuth(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, BasicAuthKeys);
        if (map is null)
        {
            return null;
        }
        var file = reader.String(map, path, "htpasswd", required: true);
        if (file is null)
        {
            return null;
        }
        if (!HtpasswdFile.TryRead(file, out _, out var error))
        {
            reader.Problem(ConfigReader.Value(map, "htpasswd")!, ConfigReader.Child(path, "htpasswd"), error);
        }
        return new BasicAuthPolicyConfig { File = file, Realm = reader.String(map, path, "realm") };
    }

    private static ForwardAuthPolicyConfig? BindForwardAuth(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, ForwardAuthKeys);
        if (map is null)
        {
            return null;
        }
        var urlText = reader.String(map, path, "url", required: true);
        var url = urlText is null ? null : HttpUrl(reader, ConfigReader.Value(map, "url")!, ConfigReader.Child(path, "url"), urlText);
        var copy = Strings(reader, map, path, "copy-headers");
        var cache = reader.Duration(map, path, "cache");
        var timeout = reader.Duration(map, path, "timeout");
        return url is null ? null : new ForwardAuthPolicyConfig { Url = url, CopyHeaders = copy, Cache = cache, Timeout = timeout };
    }

    private static RateLimitPolicyConfig? BindRateLimit(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, RateLimitKeys);
        if (map is null)
        {
            return null;
        }
        var keyText = reader.String(map, path, "key", required: true);
        var key = keyText is null ? null : RateLimitKey.TryParse(keyText);
        if (keyText is not null && key is null)
        {
            reader.Problem(ConfigReader.Value(map, "key")!, ConfigReader.Child(path, "key"),
                $"expected ip, header:NAME, jwt:CLAIM or cert:subject, got '{keyText}'");
        }
        var rateNode = reader.Scalar(reader.Required(map, path, "rate"), ConfigReader.Child(path, "rate"));
        (int Count, TimeSpan Per)? rate = null;
        if (rateNode is not null)
        {
            rate = Rate(rateNode.Text);
            if (rate is null)
            {
                reader.Problem(rateNode, ConfigReader.Child(path, "rate"), $"expected COUNT/UNIT such as 100/s, 600/m or 1000/h (COUNT 1..1000000), got '{rateNode.Text}'");
            }
        }
        var burst = reader.Int(map, path, "burst", 1, 10_000_000);
        var size = reader.Int(map, path, "size", 1, 10_000_000);
        if (key is null || rate is null)
        {
            return null;
        }
        return new RateLimitPolicyConfig { Key = key, Rate = rate.Value.Count, Per = rate.Value.Per, Burst = burst, Size = size };
    }

    private static (int Count, TimeSpan Per)? Rate(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 1_000_000)
        {
            return null;
        }
        TimeSpan? per = text[(slash + 1)..] switch
        {
            "s" or "sec" or "second" => TimeSpan.FromSeconds(1),
            "m" or "min" or "minute" => TimeSpan.FromMinutes(1),
            "h" or "hour" => TimeSpan.FromHours(1),
            _ => null,
        };
        return per is { } p ? (count, p) : null;
    }

    private static Uri? HttpUrl(ConfigReader reader, YamlNode node, string path, string text)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            return url;
        }
        reader.Problem(node, path, $"expected an http:// or https:// URL, got '{text}'");
        return null;
    }

    /// <summary>A scalar or a list of scalars under <paramref name="key"/>; null when absent.</summary>
    private static List<string>? Strings(ConfigReader reader, YamlMapping map, string path, string key)
    {
        if (ConfigReader.Value(map, key) is not { } node)
        {
            return null;
        }
        var values = new List<string>();
        foreach (var (scalar, _) in Scalars(reader, node, ConfigReader.Child(path, key)))
        {
            values.Add(scalar.Text);
        }
        return values;
    }

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
