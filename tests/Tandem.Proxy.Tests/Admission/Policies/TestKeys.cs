using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tandem.Proxy.Tests.Admission.Policies;

/// <summary>Signing keys made in the test, their public JWKS, and tokens signed with them (or forged).</summary>
internal sealed class TestKeys : IDisposable
{
    public const string Issuer = "https://id.test";
    public const string Audience = "tandem";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly ECDsa _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public RsaSecurityKey Rsa => new(_rsa) { KeyId = "rsa-1" };

    public ECDsaSecurityKey Ec => new(_ec) { KeyId = "ec-1" };

    /// <summary>The public halves as a JSON Web Key Set.</summary>
    public string Jwks(params string[] extra)
    {
        var rsa = _rsa.ExportParameters(false);
        var ec = _ec.ExportParameters(false);
        var keys = new List<string>
        {
            $$"""{"kty":"RSA","kid":"rsa-1","use":"sig","n":"{{Base64UrlEncoder.Encode(rsa.Modulus)}}","e":"{{Base64UrlEncoder.Encode(rsa.Exponent)}}"}""",
            $$"""{"kty":"EC","kid":"ec-1","use":"sig","crv":"P-256","x":"{{Base64UrlEncoder.Encode(ec.Q.X)}}","y":"{{Base64UrlEncoder.Encode(ec.Q.Y)}}"}""",
        };
        keys.AddRange(extra);
        return "{\"keys\":[" + string.Join(",", keys) + "]}";
    }

    public static string PublicJwk(RSA rsa, string kid)
    {
        var p = rsa.ExportParameters(false);
        return $$"""{"kty":"RSA","kid":"{{kid}}","use":"sig","n":"{{Base64UrlEncoder.Encode(p.Modulus)}}","e":"{{Base64UrlEncoder.Encode(p.Exponent)}}"}""";
    }

    public string Token(SecurityKey? key = null, string algorithm = SecurityAlgorithms.RsaSha256, string issuer = Issuer, string audience = Audience,
        DateTime? expires = null, DateTime? notBefore = null, Dictionary<string, object>? claims = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = (notBefore ?? now.AddMinutes(-1)).AddSeconds(-1),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddMinutes(10),
            Subject = new ClaimsIdentity([new Claim("sub", "alice")]),
            Claims = claims ?? new Dictionary<string, object> { ["scope"] = "read write", ["role"] = "admin" },
            SigningCredentials = new SigningCredentials(key ?? Rsa, algorithm),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with a valid-looking payload.</summary>
    public static string Unsigned()
    {
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode($$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","sub":"alice","exp":{{exp}},"scope":"read write","role":"admin"}""");
        return header + "." + payload + ".";
    }

    /// <summary>HS256 signed with the RSA public key's bytes as the secret: the classic key-confusion forgery.</summary>
    public string HmacWithPublicKey()
    {
        var secret = new SymmetricSecurityKey(_rsa.ExportSubjectPublicKeyInfo()) { KeyId = "rsa-1" };
        return Token(secret, SecurityAlgorithms.HmacSha256);
    }

    public static string Bearer(string token) => "Bearer " + token;

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public void Dispose()
    {
        _rsa.Dispose();
        _ec.Dispose();
    }
}
