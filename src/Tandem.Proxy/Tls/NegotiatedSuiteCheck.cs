using System.Security.Authentication;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;

namespace Tandem.Proxy.Tls;

/// <summary>
/// A connection middleware after TLS: a connection that negotiated TLS 1.2 with a suite outside
/// <see cref="TlsPolicy.CipherSuites"/> is closed before any request is read. It cannot happen while the handshake
/// callback sets the list for every handshake that may end on TLS 1.2 (<see cref="ListenerTls"/>); this makes the
/// listener's promise hold whatever OpenSSL does with a ClientHello that offered TLS 1.3.
/// </summary>
internal static class NegotiatedSuiteCheck
{
    public static Func<ConnectionDelegate, ConnectionDelegate> Create(ILogger logger) => next => connection =>
    {
        if (connection.Features.Get<ITlsHandshakeFeature>() is { Protocol: SslProtocols.Tls12 } tls && !TlsPolicy.Allows(tls.NegotiatedCipherSuite ?? default))
        {
            TlsLog.SuiteRefused(logger, connection.ConnectionId, tls.NegotiatedCipherSuite?.ToString() ?? "unknown");
            connection.Abort(new ConnectionAbortedException("TLS 1.2 suite outside the listener's list"));
            return Task.CompletedTask;
        }
        return next(connection);
    };
}
