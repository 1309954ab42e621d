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

/// <summary>A PEM certificate (leaf first, then its chain) and its private key.</summary>
public sealed record CertificateFiles(string Cert, string Key);

/// <summary>The oldest TLS version a listener accepts.</summary>
public enum TlsVersion
{
    Tls12,
    Tls13,
}

/// <summary>A listener's <c>tls.client-certificates</c> section.</summary>
public sealed record ClientCertificatesConfig
{
    /// <summary>Key <c>mode</c>: <c>optional</c> asks for a certificate, <c>require</c> refuses a handshake without one.</summary>
    public ClientCertificateMode Mode { get; init; } = ClientCertificateMode.Require;

    /// <summary>Key <c>ca</c>, required: PEM file of the CAs a client certificate must chain to.</summary>
    public required string Ca { get; init; }
}

public enum ClientCertificateMode
{
    Optional,
    Require,
}

/// <summary>A listener's <c>tls.acme</c> section (RFC 8555).</summary>
public sealed record AcmeConfig
{
    /// <summary>Key <c>directory</c>, required: the ACME server's directory URL.</summary>
    public required Uri Directory { get; init; }

    /// <summary>Key <c>email</c>: the account contact.</summary>
    public string? Email { get; init; }

    /// <summary>Key <c>domains</c>, required: the names of the one certificate ordered.</summary>
    public required IReadOnlyList<string> Domains { get; init; }

    /// <summary>Key <c>challenge</c>: <c>http-01</c> (default) or <c>tls-alpn-01</c>.</summary>
    public AcmeChallenge Challenge { get; init; } = AcmeChallenge.Http01;

    /// <summary>Key <c>ca</c>: PEM file trusted for the ACME server's own HTTPS (a test or private CA); the system store when absent.</summary>
    public string? Ca { get; init; }

    public static bool Same(AcmeConfig? a, AcmeConfig? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.Directory == b.Directory && a.Email == b.Email
            && a.Challenge == b.Challenge && a.Ca == b.Ca && a.Domains.SequenceEqual(b.Domains));
}

public enum AcmeChallenge
{
    Http01,
    TlsAlpn01,
}

/// <summary>A pool's <c>tls</c> section: Tandem speaks HTTPS to the pool's servers.</summary>
public sealed record UpstreamTlsConfig
{
    /// <summary>Key <c>verify</c>: check the server's certificate and name (default true).</summary>
    public bool Verify { get; init; } = true;

    /// <summary>Key <c>ca</c>: PEM file of the CAs trusted for the servers instead of the system store.</summary>
    public string? Ca { get; init; }

    /// <summary>Key <c>sni</c>: the name sent and verified; the server's host (or the request's Host for an IP) when absent.</summary>
    public string? Sni { get; init; }

    /// <summary>Key <c>client-cert</c>: the certificate Tandem presents to servers that ask for one.</summary>
    public CertificateFiles? ClientCert { get; init; }
}
