namespace Tandem.Proxy.Tls;

/// <summary>Whether a served certificate's context fetches and staples OCSP answers, and from where.</summary>
internal sealed record CertificateOcsp(OcspMode Mode, string? Responder);
