using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tandem.Core.Tls;

namespace Tandem.Proxy.Tls;

/// <summary>
/// A self-signed certificate for a listener that has no certificate yet (ACME has not issued one): handshakes complete
/// and clients see an untrusted certificate instead of a reset, until the real one arrives.
/// </summary>
internal static class FallbackCertificate
{
    public static PemCertificate Create(IReadOnlyList<string> names, TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Tandem temporary certificate", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }
        if (names.Count == 0)
        {
            san.AddDnsName("localhost");
        }
        request.CertificateExtensions.Add(san.Build());
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(7));
        // A copy whose key is exportable the way every platform's TLS stack can use it.
        var usable = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        return PemCertificate.From(usable);
    }
}
