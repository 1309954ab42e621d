using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Tandem.Core.Config;
using Tandem.Core.Tls;

namespace Tandem.Proxy.Tls;

/// <summary>
/// TLS to a pool's servers, done in the upstream handler's connect step so Tandem, not the client's Host header,
/// decides the SNI name and the name verified: the pool's <c>sni</c>, else the server's address host (an IP address
/// sends no SNI and is checked against the certificate's IP SANs), as nginx's <c>proxy_ssl_name</c> does. Trust is
/// the pool's <c>ca</c> alone, or the system store. Files that no longer load fail closed: every handshake is refused
/// (502, and a passive failure on the server) rather than trusting more than the config says. Thread-safe.
/// </summary>
internal sealed class UpstreamTls
{
    private readonly UpstreamTlsConfig _config;
    private readonly X509Certificate2Collection? _authorities;
    private readonly X509Certificate2? _clientCertificate;

    public UpstreamTls(UpstreamTlsConfig config)
    {
        _config = config;
        if (config.Ca is not null)
        {
            _authorities = PemCertificate.TryLoadBundle(config.Ca, out _) ?? [];
        }
        if (config.ClientCert is { } client)
        {
            _clientCertificate = PemCertificate.TryLoad(client.Cert, client.Key, out _)?.Leaf;
        }
    }

    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/>: TCP, then the TLS handshake; the handler speaks HTTP/1.1 over it.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SslStream? ssl = null;
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            var name = _config.Sni ?? context.DnsEndPoint.Host;
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = IPAddress.TryParse(name, out _) ? "" : name,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                AllowRenegotiation = false,
                ApplicationProtocols = [SslApplicationProtocol.Http11],
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Verify(name, certificate, chain, errors),
                ClientCertificates = _clientCertificate is null ? null : [_clientCertificate],
                LocalCertificateSelectionCallback = _clientCertificate is null ? null : (_, _, _, _, _) => _clientCertificate,
            }, cancellationToken);
            return ssl;
        }
        catch
        {
            if (ssl is not null)
            {
                await ssl.DisposeAsync();
            }
            socket.Dispose();
            throw;
        }
    }

    private bool Verify(string name, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (!_config.Verify)
        {
            // verify: false is the operator's explicit choice (a server with a self-signed certificate on a private network).
            return true;
        }
        if (certificate is null)
        {
            return false;
        }
        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (!copy.MatchesHostname(name))
        {
            return false;
        }
        if (_authorities is null)
        {
            return (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (presented is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
        }
        return chain.Build(copy);
    }
}
