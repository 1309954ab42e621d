using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Tandem.Testing;

/// <summary>
/// A TLS server on 127.0.0.1 with a fresh self-signed certificate for <see cref="HostName"/>: after the handshake it
/// sends <c>NAME SNI\n</c> (its name and the server name the client asked for) and closes. Also captures raw
/// ClientHello bytes for parser tests (<see cref="CaptureClientHelloAsync(string, string[])"/>).
/// </summary>
public sealed class TlsTestServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public TlsTestServer(string name, string hostName)
    {
        Name = name;
        HostName = hostName;
        _certificate = CreateCertificate(hostName);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _loop = AcceptAsync();
    }

    public string Name { get; }

    public string HostName { get; }

    public int Port { get; }

    public static X509Certificate2 CreateCertificate(string hostName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + hostName, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostName);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Connects through <paramref name="endPoint"/> with SNI <paramref name="serverName"/> and returns the line the server sent.</summary>
    public static async Task<string?> AskAsync(string endPoint, string? serverName)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPEndPoint.Parse(endPoint), limit.Token);
        await using var tls = new SslStream(tcp.GetStream(), false, TrustTestCertificate);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName ?? "" }, limit.Token);
        using var reader = new StreamReader(tls, Encoding.ASCII);
        return await reader.ReadLineAsync(limit.Token);
    }

    /// <summary>The bytes a .NET TLS client sends first (its ClientHello records) for <paramref name="serverName"/>.</summary>
    public static Task<byte[]> CaptureClientHelloAsync(string serverName, params string[] alpn) =>
        CaptureClientHelloAsync(serverName, System.Security.Authentication.SslProtocols.None, alpn);

    /// <summary>The same, offering only <paramref name="protocols"/> (None: the platform's choice, TLS 1.2 and 1.3 here).</summary>
    public static async Task<byte[]> CaptureClientHelloAsync(string serverName, System.Security.Authentication.SslProtocols protocols, params string[] alpn)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync((IPEndPoint)listener.LocalEndPoint!, limit.Token);
        using var server = await listener.AcceptAsync(limit.Token);
        var tls = new SslStream(tcp.GetStream(), false, TrustTestCertificate);
        var options = new SslClientAuthenticationOptions { TargetHost = serverName, EnabledSslProtocols = protocols };
        if (alpn.Length > 0)
        {
            options.ApplicationProtocols = [.. alpn.Select(p => new SslApplicationProtocol(p))];
        }
        var handshake = tls.AuthenticateAsClientAsync(options, limit.Token);
        var buffer = new byte[64 * 1024];
        var total = 0;
        // A record header says how much follows; read until the first records are whole.
        while (total < 5 || total < 5 + (buffer[3] << 8 | buffer[4]))
        {
            total += await server.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, limit.Token);
        }
        server.Close();
        try
        {
            await handshake;
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
        }
        await tls.DisposeAsync();
        return buffer[..total];
    }

    /// <summary>The test servers' certificates are self-signed: any certificate naming a host is taken.</summary>
    private static bool TrustTestCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.Subject.StartsWith("CN=", StringComparison.Ordinal);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
            string? sni = null;
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateSelectionCallback = (_, name) =>
                {
                    sni = name;
                    return _certificate;
                },
            }, _stop.Token);
            await tls.WriteAsync(Encoding.ASCII.GetBytes(Name + " " + (sni ?? "-") + "\n"), _stop.Token);
            await tls.FlushAsync(_stop.Token);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _loop;
        _certificate.Dispose();
        _stop.Dispose();
    }
}
