namespace Tandem.Core.Config;

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
