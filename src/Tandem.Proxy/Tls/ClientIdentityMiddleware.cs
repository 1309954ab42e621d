using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Tandem.Proxy.Tls;

/// <summary>
/// Runs after the TLS handshake: a client certificate that passed <see cref="ClientCertificateValidator"/> becomes a
/// <see cref="ClientCertificateIdentity"/> in the connection's features, once per connection, where each request's
/// features find it.
/// </summary>
internal static class ClientIdentityMiddleware
{
    public static ConnectionDelegate Create(ConnectionDelegate next) => connection =>
    {
        if (connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate is { } certificate)
        {
            connection.Features.Set(ClientCertificateIdentity.From(certificate));
        }
        return next(connection);
    };
}
