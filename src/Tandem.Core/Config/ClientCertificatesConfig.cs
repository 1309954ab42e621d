namespace Tandem.Core.Config;

/// <summary>A listener's <c>tls.client-certificates</c> section.</summary>
public sealed record ClientCertificatesConfig
{
    /// <summary>Key <c>mode</c>: <c>optional</c> asks for a certificate, <c>require</c> refuses a handshake without one.</summary>
    public ClientCertificateMode Mode { get; init; } = ClientCertificateMode.Require;

    /// <summary>Key <c>ca</c>, required: PEM file of the CAs a client certificate must chain to.</summary>
    public required string Ca { get; init; }
}
