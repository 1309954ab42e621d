using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Tandem.Core.Runtime;
using Tandem.Core.Tls;

namespace Tandem.Proxy.Tls;

/// <summary>
/// OCSP stapling, where .NET offers it (Linux, OpenSSL). An <see cref="SslStreamCertificateContext"/> created with
/// <c>offline: false</c> starts one background GET to the leaf's AIA OCSP URL (http only) right away, keeps the answer
/// until its nextUpdate (refreshing in the background a day later, or 5 minutes before it lapses) and staples the held
/// answer to each handshake; a handshake never waits for a fetch. While the responder fails, the next handshake starts
/// another fetch, one at a time; one that never answers holds that fetch for HttpClient's 100 s. The same
/// <c>offline: false</c> would also let chain building download missing intermediates from AIA CA Issuers URLs,
/// synchronously inside <c>Create</c>, so a listener's start or reload could wait on a dead server. Hence the rule here:
/// the context is online only when the leaf names an http OCSP responder and the chain from the file (or this
/// machine's trust store) already reaches a root offline, so <c>Create</c> builds the same chain without downloading
/// anything, and the runtime has the issuer it needs for the OCSP request. Everything else stays offline: no fetch at all.
/// </summary>
internal static class OcspStapling
{
    /// <summary>The serving context of <paramref name="certificate"/> and whether stapling is on for it.</summary>
    public static SslStreamCertificateContext CreateContext(PemCertificate certificate, out CertificateOcsp ocsp)
    {
        ocsp = Decide(certificate);
        return SslStreamCertificateContext.Create(certificate.Leaf, certificate.Chain, offline: ocsp.Mode != OcspMode.On);
    }

    private static CertificateOcsp Decide(PemCertificate certificate)
    {
        var responder = Responder(certificate.Leaf);
        if (responder is null)
        {
            return new CertificateOcsp(OcspMode.NoResponder, null);
        }
        if (!OperatingSystem.IsLinux())
        {
            return new CertificateOcsp(OcspMode.Unsupported, responder);
        }
        return new CertificateOcsp(ReachesRootOffline(certificate) ? OcspMode.On : OcspMode.NoIssuer, responder);
    }

    /// <summary>The first http URL of the leaf's AIA OCSP entries (the only scheme .NET fetches); null without one.</summary>
    public static string? Responder(X509Certificate2 leaf)
    {
        foreach (var extension in leaf.Extensions)
        {
            if (extension is X509AuthorityInformationAccessExtension aia)
            {
                foreach (var uri in aia.EnumerateOcspUris())
                {
                    if (Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Scheme == Uri.UriSchemeHttp)
                    {
                        return uri;
                    }
                }
            }
        }
        return null;
    }

    /// <summary>Whether the chain ends at a self-signed root with downloads off: the check <c>Create</c> makes, offline.</summary>
    private static bool ReachesRootOffline(PemCertificate certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.ExtraStore.AddRange(certificate.Chain);
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllFlags;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.Build(certificate.Leaf);
        var partial = false;
        foreach (var status in chain.ChainStatus)
        {
            partial |= status.Status.HasFlag(X509ChainStatusFlags.PartialChain);
        }
        var complete = !partial && chain.ChainElements.Count > 1;
        foreach (var element in chain.ChainElements)
        {
            element.Certificate.Dispose();
        }
        return complete;
    }

    /// <summary>
    /// What the status shows for one certificate. .NET has no public way to ask whether it holds an OCSP answer, so
    /// for a certificate with stapling on this reads the context's own cache (the fields its handshakes staple from);
    /// a runtime without those fields reports <see cref="TlsOcspStates.Enabled"/>. Off the request path.
    /// </summary>
    public static (string State, DateTimeOffset? ValidUntil) Describe(SslStreamCertificateContext context, CertificateOcsp ocsp, DateTimeOffset now)
    {
        switch (ocsp.Mode)
        {
            case OcspMode.NoResponder:
                return (TlsOcspStates.NoResponder, null);
            case OcspMode.NoIssuer:
                return (TlsOcspStates.NoIssuer, null);
            case OcspMode.Unsupported:
                return (TlsOcspStates.Unsupported, null);
        }
        try
        {
            var response = CachedResponse(context);
            var expiration = CachedExpiration(context);
            return response is { Length: > 0 } && expiration > now ? (TlsOcspStates.Stapled, expiration) : (TlsOcspStates.Waiting, null);
        }
        catch (Exception ex) when (ex is MissingFieldException or MissingMemberException)
        {
            return (TlsOcspStates.Enabled, null);
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_ocspResponse")]
    private static extern ref byte[]? CachedResponse(SslStreamCertificateContext context);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_ocspExpiration")]
    private static extern ref DateTimeOffset CachedExpiration(SslStreamCertificateContext context);
}
