using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Tandem.Proxy.Tests.Tls;

/// <summary>Raw TLS handshakes and HTTPS clients against a listener on 127.0.0.1, whatever name is sent as SNI.</summary>
internal static class TlsClient
{
    /// <summary>A completed handshake; the caller disposes it (the connection stays open until then).</summary>
    public static async Task<SslStream> ConnectAsync(IPEndPoint endPoint, string? serverName, SslProtocols protocols = SslProtocols.None,
        List<SslApplicationProtocol>? alpn = null, X509Certificate2? clientCertificate = null)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(endPoint);
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = serverName ?? "",
                EnabledSslProtocols = protocols,
                ApplicationProtocols = alpn,
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                // The tests look at what was served, whoever issued it; and the client never downloads an issuer named in
                // the certificate's AIA (a test may point that at a server that never answers).
                RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null,
                CertificateChainPolicy = new X509ChainPolicy { DisableCertificateDownloads = true, RevocationMode = X509RevocationMode.NoCheck },
            }, timeout.Token);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync();
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>The subject CN of the certificate served for <paramref name="serverName"/>.</summary>
    public static async Task<string> ServedNameAsync(IPEndPoint endPoint, string? serverName)
    {
        await using var ssl = await ConnectAsync(endPoint, serverName);
        using var certificate = new X509Certificate2(ssl.RemoteCertificate!);
        return certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
    }

    /// <summary>An HTTPS client that connects every request to <paramref name="endPoint"/> whatever the URL's host, trusting <paramref name="ca"/>.</summary>
    public static HttpClient Https(IPEndPoint endPoint, X509Certificate2 ca, X509Certificate2? clientCertificate = null, Version? version = null)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(endPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, _, _) => Chains(certificate, ca),
            },
        };
        return new HttpClient(handler)
        {
            Timeout = TimeSpan.FromSeconds(10),
            DefaultRequestVersion = version ?? HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    private static bool Chains(X509Certificate? certificate, X509Certificate2 ca)
    {
        if (certificate is null)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var two = new X509Certificate2(certificate);
        return chain.Build(two);
    }
}
