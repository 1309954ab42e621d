using System.Security.Cryptography.X509Certificates;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// A connection feature the TLS layer sets once it has verified the client's certificate against the listener's client
/// CA. Where it is absent, <see cref="Microsoft.AspNetCore.Http.ConnectionInfo.ClientCertificate"/> is taken, which Kestrel
/// sets only for a certificate its validation accepted.
/// </summary>
public interface IVerifiedClientCertificateFeature
{
    /// <summary>The verified certificate; null when the client sent none or it failed verification.</summary>
    X509Certificate2? Certificate { get; }
}
