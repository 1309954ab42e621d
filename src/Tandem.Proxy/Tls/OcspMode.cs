namespace Tandem.Proxy.Tls;

/// <summary>Whether OCSP stapling is on for one certificate, or why not (see <see cref="OcspStapling"/>).</summary>
internal enum OcspMode
{
    /// <summary>Online context: .NET fetches from <see cref="CertificateOcsp.Responder"/> and staples.</summary>
    On,

    /// <summary>The leaf names no http OCSP responder.</summary>
    NoResponder,

    /// <summary>A responder, but the chain does not reach a root without downloading: nothing is fetched.</summary>
    NoIssuer,

    /// <summary>Not Linux: stapling is managed here only with OpenSSL.</summary>
    Unsupported,
}
