using System.Globalization;
using System.Text.Json;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Tls;

/// <summary>A real node with a TLS listener from certificate files: <c>/api/tls</c> and the expiry gauge.</summary>
public sealed class TlsStatusNodeTests
{
    [Fact]
    public async Task GetTls_ListenerWithCertificateFile_NamesSourceExpiryAndGauge()
    {
        using var certificates = TestCertificates.Create();
        var (cert, key) = certificates.WritePem(certificates.Server("site.example", "www.site.example"), "site");
        await using var node = await NodeHarness.StartAsync((port, adminPort) => string.Create(CultureInfo.InvariantCulture, $"""
            listeners:
              - name: web
                bind: 127.0.0.1:{port}
                pool: app
                tls:
                  certificates:
                    - cert: {cert}
                      key: {key}
            admin:
              bind: 127.0.0.1:{adminPort}
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9
            """));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{node.AdminPort}/") };

        using var body = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/tls", UriKind.Relative)));
        var metrics = PrometheusText.Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

        var listener = Assert.Single(body.RootElement.GetProperty("listeners").EnumerateArray());
        Assert.Equal("web", listener.GetProperty("name").GetString());
        var certificate = Assert.Single(listener.GetProperty("certificates").EnumerateArray());
        Assert.Equal(("site.example", "file"), (certificate.GetProperty("name").GetString(), certificate.GetProperty("source").GetString()));
        Assert.Equal(["site.example", "www.site.example"], certificate.GetProperty("names").EnumerateArray().Select(n => n.GetString()));
        // The test CA issues for 30 days.
        Assert.InRange(certificate.GetProperty("expiresInSeconds").GetDouble(), 29 * 86_400, 30 * 86_400);
        Assert.Equal(JsonValueKind.String, certificate.GetProperty("lastReload").ValueKind);
        Assert.InRange(metrics["tandem_tls_certificate_expiry_seconds{name=\"site.example\"}"], 29 * 86_400, 30 * 86_400);
    }
}
