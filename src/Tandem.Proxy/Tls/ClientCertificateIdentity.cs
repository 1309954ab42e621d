using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Tls;

namespace Tandem.Proxy.Tls;

/// <summary>
/// Who a client proved to be with a certificate that chained to the listener's client CA: computed once per
/// connection, after the handshake, and kept in the connection's features, so every request on it reads the same object.
/// </summary>
public sealed class ClientCertificateIdentity
{
    private ClientCertificateIdentity(string subject, IReadOnlyList<string> names, string fingerprint)
    {
        Subject = subject;
        Names = names;
        Fingerprint = fingerprint;
    }

    /// <summary>The subject's distinguished name as the certificate writes it (<c>CN=alice, O=Example</c>).</summary>
    public string Subject { get; }

    /// <summary>The DNS names of the subject alternative names, lower case.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>SHA-256 of the certificate's DER bytes, lower-case hex without separators.</summary>
    public string Fingerprint { get; }

    public static ClientCertificateIdentity From(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var fingerprint = Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
        return new ClientCertificateIdentity(certificate.Subject, PemCertificate.HostNames(certificate), fingerprint);
    }
}

/// <summary>
/// The verified client certificate of a request, for the stages after TLS (route placeholders such as
/// <c>{client.cert.subject}</c>, access policies). Null when the listener has no <c>client-certificates</c> or the
/// client sent none (mode <c>optional</c>).
/// </summary>
public static class ClientCertificates
{
    /// <summary>The placeholder names a route may use; each maps to a property of <see cref="ClientCertificateIdentity"/>.</summary>
    public const string SubjectPlaceholder = "client.cert.subject";
    public const string FingerprintPlaceholder = "client.cert.fingerprint";
    public const string NamesPlaceholder = "client.cert.san";

    public static ClientCertificateIdentity? Identity(HttpContext context) => context.Features.Get<ClientCertificateIdentity>();

    /// <summary>The value of a <c>{client.cert.*}</c> placeholder; empty when there is no verified certificate.</summary>
    public static string Placeholder(HttpContext context, string name)
    {
        var identity = Identity(context);
        if (identity is null)
        {
            return "";
        }
        return name switch
        {
            SubjectPlaceholder => identity.Subject,
            FingerprintPlaceholder => identity.Fingerprint,
            NamesPlaceholder => string.Join(',', identity.Names),
            _ => "",
        };
    }
}
