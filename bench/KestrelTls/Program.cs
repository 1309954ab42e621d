using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Usage: KestrelTls PORT BODY_BYTES [CERT.pem KEY.pem [policy]]
// Serves BODY_BYTES x's on 127.0.0.1:PORT over HTTP/1.1, with TLS when a certificate is given; "policy" sets a
// CipherSuitesPolicy (Tandem's TLS 1.2 list) on each handshake, which stops .NET reusing its OpenSSL context. Socket continuations
// run inline, as in Tandem (the caller sets DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS and THREAD_COUNT).
if (args.Length is not (2 or 4 or 5) || !int.TryParse(args[0], out var port) || !int.TryParse(args[1], out var bodyBytes))
{
    Console.Error.WriteLine("usage: KestrelTls PORT BODY_BYTES [CERT.pem KEY.pem [policy]]");
    return 2;
}
var body = new byte[bodyBytes];
Array.Fill(body, (byte)'x');
X509Certificate2? certificate = null;
if (args.Length >= 4)
{
    using var pem = X509Certificate2.CreateFromPemFile(args[2], args[3]);
    certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
}

// Kestrel's HTTPS middleware resolves its services from ApplicationServices.
var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
builder.WebHost.UseKestrelCore();
await using var services = builder.Build();
var options = new KestrelServerOptions { AddServerHeader = false, ApplicationServices = services.Services };
options.Listen(IPAddress.Loopback, port, listen =>
{
    listen.Protocols = HttpProtocols.Http1;
    if (certificate is not null)
    {
        listen.UseHttps(https =>
        {
            https.ServerCertificate = certificate;
            if (args.Length == 5 && args[4] == "policy")
            {
                https.OnAuthenticate = (_, ssl) => ssl.CipherSuitesPolicy = new CipherSuitesPolicy(
                [
                    TlsCipherSuite.TLS_AES_128_GCM_SHA256,
                    TlsCipherSuite.TLS_AES_256_GCM_SHA384,
                    TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
                    TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                    TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                    TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                    TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
                    TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
                    TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
                ]);
            }
        });
    }
});
var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions { UnsafePreferInlineScheduling = true }), NullLoggerFactory.Instance);
using var server = new KestrelServer(Options.Create(options), transport, NullLoggerFactory.Instance);
await server.StartAsync(new FixedBody(body), CancellationToken.None);
Console.WriteLine($"listening on 127.0.0.1:{port} ({(certificate is null ? "http" : "https")})");
await Task.Delay(Timeout.Infinite);
return 0;

/// <summary>Answers every request with 200 and the body.</summary>
internal sealed class FixedBody(byte[] body) : IHttpApplication<IFeatureCollection>
{
    public IFeatureCollection CreateContext(IFeatureCollection contextFeatures) => contextFeatures;

    public void DisposeContext(IFeatureCollection context, Exception? exception)
    {
    }

    public Task ProcessRequestAsync(IFeatureCollection context)
    {
        var response = context.GetRequiredFeature<IHttpResponseFeature>();
        response.StatusCode = 200;
        response.Headers.ContentLength = body.Length;
        response.Headers.ContentType = "text/plain";
        return context.GetRequiredFeature<IHttpResponseBodyFeature>().Writer.WriteAsync(body).AsTask();
    }
}
