using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Runtime;

namespace Tandem.Proxy.Tls;

/// <summary>
/// HTTPS for the admin listener (<c>admin.tls</c>): the same certificate selection, file watching, versions, suites and
/// client-certificate check as a proxy listener's <c>tls</c>, on the admin app's Kestrel endpoint. With client
/// certificates <c>require</c>d, a handshake without a certificate from the configured CA fails, so every admin request
/// is mutual TLS. Concurrency: as <see cref="ListenerTls"/> (immutable set swapped on a file change).
/// </summary>
public sealed class AdminListenerTls : IDisposable
{
    /// <summary>The name the admin listener has in logs, <c>/api/tls</c> and the certificate gauge.</summary>
    public const string Name = "admin";

    private readonly ListenerTls _tls;

    private AdminListenerTls(ListenerTls tls) => _tls = tls;

    /// <summary>Loads the certificate and CA files; throws <see cref="InvalidOperationException"/> naming a file that cannot be served.</summary>
    public static AdminListenerTls Create(ListenerTlsConfig config, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        return new AdminListenerTls(ListenerTls.Create(Name, config, HttpVersions.Auto, time, loggerFactory.CreateLogger("Tandem.Tls")));
    }

    /// <summary>Makes <paramref name="listen"/> an HTTPS endpoint (HTTP/1.1 and HTTP/2 by ALPN).</summary>
    public void Apply(ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.UseHttps(_tls.HandshakeOptions);
    }

    /// <summary>The admin listener's certificates, as <c>/api/tls</c> shows a listener's.</summary>
    public TlsListenerStatus Status() => _tls.Status();

    public void Dispose() => _tls.Dispose();
}
