using System.Formats.Asn1;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Tandem.Proxy.Tls.Acme;

/// <summary>
/// The tls-alpn-01 answer (RFC 8737): a self-signed certificate for the one name, with the critical acmeIdentifier
/// extension (id-pe-acmeIdentifier, 1.3.6.1.5.5.7.1.31) holding the SHA-256 of the key authorization, served only on a
/// handshake that negotiates ALPN <c>acme-tls/1</c>.
/// </summary>
internal sealed class AlpnChallengeCertificate
{
    public const string AcmeIdentifierOid = "1.3.6.1.5.5.7.1.31";

    public static readonly SslApplicationProtocol Protocol = new("acme-tls/1");

    public static readonly List<SslApplicationProtocol> Protocols = [Protocol];

    private AlpnChallengeCertificate(SslStreamCertificateContext context) => Context = context;

    public SslStreamCertificateContext Context { get; }

    public static AlpnChallengeCertificate Create(string domain, string keyAuthorization, TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + domain, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(domain);
        request.CertificateExtensions.Add(san.Build());
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(SHA256.HashData(Encoding.ASCII.GetBytes(keyAuthorization)));
        request.CertificateExtensions.Add(new X509Extension(AcmeIdentifierOid, writer.Encode(), critical: true));
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));
        var usable = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        return new AlpnChallengeCertificate(SslStreamCertificateContext.Create(usable, [], offline: true));
    }
}
