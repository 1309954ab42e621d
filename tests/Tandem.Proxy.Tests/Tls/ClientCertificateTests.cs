using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Proxy.Tls;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Tls;

public sealed class ClientCertificateTests
{
    private static async Task<(ProxyHarness Proxy, HttpClient Anonymous)> StartAsync(TestCertificates certs, TestBackend backend, ClientCertificateMode mode)
    {
        var site = certs.WritePem(certs.Server("a.test"), "site");
        var tls = new ListenerTlsConfig
        {
            Certificates = [new CertificateFiles(site.Cert, site.Key)],
            ClientCertificates = new ClientCertificatesConfig { Mode = mode, Ca = certs.WriteCaPem("clients") },
        };
        var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [backend.ServerConfig()], p => p, l => l with { Tls = tls }));
        return (proxy, TlsClient.Https(EndPoint(proxy), certs.Ca));
    }

    private static IPEndPoint EndPoint(ProxyHarness proxy) => IPEndPoint.Parse(proxy.Runtime.Listeners[0].Bound);

    [Fact]
    public async Task Require_NoCertificateOrOtherCa_RefusedAndOwnCaServed()
    {
        using var certs = TestCertificates.Create();
        using var other = TestCertificates.Create("Other CA");
        await using var backend = await TestBackend.StartAsync("a");
        var (proxy, anonymous) = await StartAsync(certs, backend, ClientCertificateMode.Require);
        await using var _ = proxy;
        using var __ = anonymous;
        using var stranger = TlsClient.Https(EndPoint(proxy), certs.Ca, other.Client("mallory"));
        using var alice = TlsClient.Https(EndPoint(proxy), certs.Ca, certs.Client("alice"));

        await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.GetStringAsync(new Uri("https://a.test/")));
        await Assert.ThrowsAsync<HttpRequestException>(() => stranger.GetStringAsync(new Uri("https://a.test/")));
        Assert.Equal("a", await alice.GetStringAsync(new Uri("https://a.test/")));
        Assert.Equal(1, backend.Requests);
    }

    [Fact]
    public async Task Optional_NoCertificate_ServedAndOtherCaRefused()
    {
        using var certs = TestCertificates.Create();
        using var other = TestCertificates.Create("Other CA");
        await using var backend = await TestBackend.StartAsync("a");
        var (proxy, anonymous) = await StartAsync(certs, backend, ClientCertificateMode.Optional);
        await using var _ = proxy;
        using var __ = anonymous;
        using var stranger = TlsClient.Https(EndPoint(proxy), certs.Ca, other.Client("mallory"));

        Assert.Equal("a", await anonymous.GetStringAsync(new Uri("https://a.test/")));
        await Assert.ThrowsAsync<HttpRequestException>(() => stranger.GetStringAsync(new Uri("https://a.test/")));
    }

    [Fact]
    public async Task Identity_VerifiedCertificate_ReadableFromEveryRequestOfTheConnection()
    {
        using var certs = TestCertificates.Create();
        var site = certs.WritePem(certs.Server("a.test"), "site");
        var listener = new ListenerConfig
        {
            Name = "web", Bind = new HostPort("127.0.0.1", 0), Pool = "app",
            Tls = new ListenerTlsConfig
            {
                Certificates = [new CertificateFiles(site.Cert, site.Key)],
                ClientCertificates = new ClientCertificatesConfig { Mode = ClientCertificateMode.Optional, Ca = certs.WriteCaPem("clients") },
            },
        };
        using var tls = ListenerTls.Create(listener, TimeProvider.System, NullLogger.Instance);
        // The same handshake options and identity step as a listener, in front of an app that reads the accessor.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o =>
        {
            o.UseHttps(tls.HandshakeOptions);
            o.Use(ClientIdentityMiddleware.Create);
        }));
        await using var app = builder.Build();
        app.Run(context => context.Response.WriteAsync(
            $"{ClientCertificates.Placeholder(context, ClientCertificates.SubjectPlaceholder)}|{ClientCertificates.Placeholder(context, ClientCertificates.NamesPlaceholder)}|{ClientCertificates.Identity(context)?.Fingerprint.Length}"));
        await app.StartAsync();
        var port = new Uri(app.Urls.First()).Port;
        using var alice = TlsClient.Https(new IPEndPoint(IPAddress.Loopback, port), certs.Ca, certs.Client("alice.example"));
        using var anonymous = TlsClient.Https(new IPEndPoint(IPAddress.Loopback, port), certs.Ca);

        Assert.Equal("CN=alice.example|alice.example|64", await alice.GetStringAsync(new Uri("https://a.test/")));
        Assert.Equal("CN=alice.example|alice.example|64", await alice.GetStringAsync(new Uri("https://a.test/again")));
        Assert.Equal("||", await anonymous.GetStringAsync(new Uri("https://a.test/")));
    }
}
