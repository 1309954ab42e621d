using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tandem.Core.Config;

namespace Tandem.Proxy.Tls;

/// <summary>
/// Checks a client certificate against the listener's client CA bundle only (never the system store: a public CA's
/// certificate must not open a door meant for the operator's clients). Revocation is not checked. Thread-safe.
/// </summary>
internal sealed class ClientCertificateValidator(ClientCertificateMode mode, X509Certificate2Collection authorities)
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    public ClientCertificateMode Mode { get; } = mode;

    /// <summary>A <see cref="RemoteCertificateValidationCallback"/>: false refuses the handshake.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return Mode == ClientCertificateMode.Optional;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (presented is not null)
        {
            // The intermediates the client sent with its certificate.
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
        }
        return certificate is X509Certificate2 two ? chain.Build(two) : BuildCopy(chain, certificate);
    }

    private static bool BuildCopy(X509Chain chain, X509Certificate certificate)
    {
        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(copy);
    }
}
