using System.Security.Cryptography;
using System.Text;

namespace Tandem.Proxy.Tls.Acme;

/// <summary>
/// The ACME account key: ECDSA P-256, signing ES256 (RFC 7518 section 3.4), with its JWK (RFC 7517) and JWK thumbprint
/// (RFC 7638), which key authorizations are made from (RFC 8555 section 8.1).
/// Concurrency: immutable after creation; ECDsa signing is safe from one order at a time, which is how it is used.
/// </summary>
internal sealed class AcmeAccountKey : IDisposable
{
    private readonly ECDsa _key;

    private AcmeAccountKey(ECDsa key)
    {
        _key = key;
        var p = key.ExportParameters(includePrivateParameters: false);
        X = AcmeBase64.Encode(p.Q.X!);
        Y = AcmeBase64.Encode(p.Q.Y!);
        // RFC 7638: the required members in lexicographic order, no whitespace.
        Thumbprint = AcmeBase64.Encode(SHA256.HashData(Encoding.UTF8.GetBytes($"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{X}\",\"y\":\"{Y}\"}}")));
    }

    public string X { get; }

    public string Y { get; }

    /// <summary>base64url(SHA-256 of the canonical JWK).</summary>
    public string Thumbprint { get; }

    public static AcmeAccountKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Reads a PKCS#8 PEM key written by <see cref="ExportPem"/>.</summary>
    public static AcmeAccountKey FromPem(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256)
            {
                throw new CryptographicException($"the ACME account key must be P-256, not a {key.KeySize}-bit key");
            }
            return new AcmeAccountKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public string ExportPem() => _key.ExportPkcs8PrivateKeyPem();

    /// <summary>The key authorization of a challenge token: <c>token.thumbprint</c>.</summary>
    public string KeyAuthorization(string token) => token + "." + Thumbprint;

    /// <summary>An ES256 signature: R and S as fixed 32-byte fields (IEEE P1363), as JWS wants, not DER.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose() => _key.Dispose();
}
