namespace Tandem.Core.Config;

/// <summary>A listener's <c>tls</c> section: Tandem terminates TLS on the listener's port.</summary>
public sealed record ListenerTlsConfig
{
    /// <summary>Key <c>certificates</c>: picked by SNI from their SANs (exact names first, then wildcards); the first is the default.</summary>
    public IReadOnlyList<CertificateFiles> Certificates { get; init; } = [];

    /// <summary>Key <c>min-version</c>: <c>1.2</c> (default) or <c>1.3</c>. Nothing older is ever offered.</summary>
    public TlsVersion MinVersion { get; init; } = TlsVersion.Tls12;

    /// <summary>Key <c>client-certificates</c>: mutual TLS; absent means no client certificate is asked for.</summary>
    public ClientCertificatesConfig? ClientCertificates { get; init; }

    /// <summary>Key <c>acme</c>: certificates ordered and renewed automatically (RFC 8555).</summary>
    public AcmeConfig? Acme { get; init; }

    /// <summary>Whether two sections would serve the same way (a reload that changes none of it keeps the listener).</summary>
    public static bool Same(ListenerTlsConfig? a, ListenerTlsConfig? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.MinVersion == b.MinVersion
            && a.ClientCertificates == b.ClientCertificates && AcmeConfig.Same(a.Acme, b.Acme)
            && a.Certificates.SequenceEqual(b.Certificates));
}
