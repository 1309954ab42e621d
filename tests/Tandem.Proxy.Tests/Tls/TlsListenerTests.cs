using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Tls;

public sealed class TlsListenerTests
{
    private static TandemConfig TlsConfig(TestBackend backend, ListenerTlsConfig tls) =>
        TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [backend.ServerConfig()], p => p, l => l with { Tls = tls });

    private static ListenerTlsConfig Files(params (string Cert, string Key)[] files) =>
        new() { Certificates = [.. files.Select(f => new CertificateFiles(f.Cert, f.Key))] };

    private static IPEndPoint EndPoint(ProxyHarness proxy) => IPEndPoint.Parse(proxy.Runtime.Listeners[0].Bound);

    [Fact]
    public async Task Handshake_ThreeNamesAndWildcard_SniPicksMatchingCertificate()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await TestBackend.StartAsync("a");
        var a = certs.WritePem(certs.Server("a.test"), "a");
        var b = certs.WritePem(certs.Server("b.test"), "b");
        var c = certs.WritePem(certs.Server("c.test", "www.c.test"), "c");
        var wild = certs.WritePem(certs.Server("*.wild.test"), "wild");
        await using var proxy = await ProxyHarness.StartAsync(TlsConfig(backend, Files(a, b, c, wild)));
        var endPoint = EndPoint(proxy);

        Assert.Equal("b.test", await TlsClient.ServedNameAsync(endPoint, "b.test"));
        Assert.Equal("c.test", await TlsClient.ServedNameAsync(endPoint, "www.c.test"));
        Assert.Equal("c.test", await TlsClient.ServedNameAsync(endPoint, "C.TEST"));
        Assert.Equal("*.wild.test", await TlsClient.ServedNameAsync(endPoint, "x.wild.test"));
        // A wildcard covers one label only; unknown names and no SNI get the first certificate.
        Assert.Equal("a.test", await TlsClient.ServedNameAsync(endPoint, "y.x.wild.test"));
        Assert.Equal("a.test", await TlsClient.ServedNameAsync(endPoint, "unknown.test"));
        Assert.Equal("a.test", await TlsClient.ServedNameAsync(endPoint, null));
    }

    [Fact]
    public async Task Handshake_DefaultSettings_NegotiatesTls13AndRefusesTls11()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TlsConfig(backend, Files(certs.WritePem(certs.Server("a.test"), "a"))));
        var endPoint = EndPoint(proxy);

        await using (var ssl = await TlsClient.ConnectAsync(endPoint, "a.test"))
        {
            Assert.Equal(SslProtocols.Tls13, ssl.SslProtocol);
        }
#pragma warning disable SYSLIB0039, CA5397 // TLS 1.0 and 1.1 are what this test offers, to see them refused.
        await Assert.ThrowsAnyAsync<Exception>(() => TlsClient.ConnectAsync(endPoint, "a.test", SslProtocols.Tls11 | SslProtocols.Tls));
#pragma warning restore SYSLIB0039, CA5397
        await using var tls12 = await TlsClient.ConnectAsync(endPoint, "a.test", SslProtocols.Tls12);
        Assert.Equal(SslProtocols.Tls12, tls12.SslProtocol);
    }

    [Fact]
    public async Task Handshake_MinVersion13_RefusesTls12()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await TestBackend.StartAsync("a");
        var tls = Files(certs.WritePem(certs.Server("a.test"), "a")) with { MinVersion = TlsVersion.Tls13 };
        await using var proxy = await ProxyHarness.StartAsync(TlsConfig(backend, tls));

        await Assert.ThrowsAnyAsync<Exception>(() => TlsClient.ConnectAsync(EndPoint(proxy), "a.test", SslProtocols.Tls12));
    }

    [Fact]
    public async Task Request_AlpnOffersH2_ServedOverHttp2WithForwardedProtoHttps()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TlsConfig(backend, Files(certs.WritePem(certs.Server("a.test"), "a"))));
        using var h2 = TlsClient.Https(EndPoint(proxy), certs.Ca, version: HttpVersion.Version20);
        using var h1 = TlsClient.Https(EndPoint(proxy), certs.Ca, version: HttpVersion.Version11);

        using var response = await h2.GetAsync(new Uri("https://a.test/headers"));
        using var response1 = await h1.GetAsync(new Uri("https://a.test/"));

        Assert.Equal(HttpVersion.Version20, response.Version);
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("https", headers["X-Forwarded-Proto"]);
        Assert.Equal(HttpVersion.Version11, response1.Version);
        Assert.Equal("a", await response1.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CertificateFile_Replaced_NewConnectionsGetItWhileOpenOnesLiveOn()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await TestBackend.StartAsync("a");
        var files = certs.WritePem(certs.Server("old.test"), "site");
        await using var proxy = await ProxyHarness.StartAsync(TlsConfig(backend, Files(files)));
        var endPoint = EndPoint(proxy);
        await using var open = await TlsClient.ConnectAsync(endPoint, "old.test", alpn: [SslApplicationProtocol.Http11]);
        Assert.Equal("HTTP/1.1 200 OK", await GetOnAsync(open));

        // Written the way certbot and editors do: a new file renamed over the old one, key and cert one after the other.
        var replacement = certs.Server("new.test");
        var next = certs.WritePem(replacement, "next");
        File.Move(next.Key, files.Key, overwrite: true);
        File.Move(next.Cert, files.Cert, overwrite: true);

        Assert.True(await TestHttp.WaitUntilAsync(async () => await TlsClient.ServedNameAsync(endPoint, "new.test") == "new.test", TimeSpan.FromSeconds(15)));
        Assert.Equal("HTTP/1.1 200 OK", await GetOnAsync(open));
        // The new set serves before its log line is written: wait for the line rather than read it at once.
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(proxy.Logs.Messages(7700).Any(m => m.Contains("new.test", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(10)), "no reload line naming new.test: " + string.Join("\n", proxy.Logs.Messages(7700)));
    }

    [Fact]
    public async Task CertificateFile_BrokenReplacement_RefusedAndOldCertificateKeepsServing()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await TestBackend.StartAsync("a");
        var files = certs.WritePem(certs.Server("old.test"), "site");
        await using var proxy = await ProxyHarness.StartAsync(TlsConfig(backend, Files(files)));

        await File.WriteAllTextAsync(files.Cert, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(proxy.Logs.Messages(7701).Count > 0), TimeSpan.FromSeconds(15)));
        Assert.Contains(files.Cert, proxy.Logs.Messages(7701)[0], StringComparison.Ordinal);
        Assert.Equal("old.test", await TlsClient.ServedNameAsync(EndPoint(proxy), "old.test"));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Start_KeyReadableByOthers_Warns()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await TestBackend.StartAsync("a");
        var files = certs.WritePem(certs.Server("a.test"), "a");
        File.SetUnixFileMode(files.Key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var proxy = await ProxyHarness.StartAsync(TlsConfig(backend, Files(files)));

        var warning = Assert.Single(proxy.Logs.Messages(7702));
        Assert.Contains("readable by others (mode 644)", warning, StringComparison.Ordinal);
    }

    /// <summary>One HTTP/1.1 GET / on an open TLS connection; the status line.</summary>
    private static async Task<string> GetOnAsync(SslStream stream)
    {
        await stream.WriteAsync("GET / HTTP/1.1\r\nHost: old.test\r\n\r\n"u8.ToArray());
        var buffer = new byte[4096];
        var text = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        // The body "a", framed by Content-Length or chunked.
        while (!(text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && (text.ToString().EndsWith("\r\n\r\na", StringComparison.Ordinal)
            || text.ToString().EndsWith("0\r\n\r\n", StringComparison.Ordinal))))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return text.ToString().Split("\r\n")[0];
    }
}
