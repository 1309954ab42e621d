using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Hosting;

/// <summary>
/// <c>admin.tls</c> on a running node: the dashboard, API and metrics over HTTPS only, client certificates required when
/// configured, a certificate replaced on disk served to new connections, a change of the section waiting for a restart,
/// and <c>tandem pair status</c> reaching it.
/// </summary>
public sealed class AdminTlsNodeTests
{
    private const int AdminTlsNeedsRestartEvent = 108;

    private static string Yaml(int port, int adminPort, string cert, string key, string? clientCa = null) => string.Create(CultureInfo.InvariantCulture, $"""
        listeners:
          - name: web
            bind: 127.0.0.1:{port}
            pool: app
        admin:
          bind: 127.0.0.1:{adminPort}
          tls:
            certificates:
              - cert: {cert}
                key: {key}
        {(clientCa is null ? "" : $"    client-certificates: {{ mode: require, ca: {clientCa} }}\n")}pools:
          - name: app
            servers:
              - address: 127.0.0.1:9
        """);

    /// <summary>A client trusting <paramref name="ca"/> for the admin listener's certificate (the name checked as usual).</summary>
    private static HttpClient Https(X509Certificate2 ca, X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler { UseProxy = false };
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { ca },
            RevocationMode = X509RevocationMode.NoCheck,
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    [Fact]
    public async Task AdminTls_HttpsAnswersApiDashboardMetrics_PlainHttpFails()
    {
        using var certs = TestCertificates.Create();
        var (cert, key) = certs.WritePem(certs.Server("127.0.0.1"), "admin");
        await using var node = await NodeHarness.StartAsync((port, admin) => Yaml(port, admin, cert, key));
        using var https = Https(certs.Ca);
        var admin = $"https://127.0.0.1:{node.AdminPort}/";

        using var status = JsonDocument.Parse(await https.GetStringAsync(new Uri(admin + "api/status")));
        var dashboard = await https.GetStringAsync(new Uri(admin));
        var metrics = PrometheusText.Parse(await https.GetStringAsync(new Uri(admin + "metrics")));
        using var tls = JsonDocument.Parse(await https.GetStringAsync(new Uri(admin + "api/tls")));
        using var plain = TestHttp.Client(TimeSpan.FromSeconds(10));

        Assert.Equal(JsonValueKind.Object, status.RootElement.ValueKind);
        Assert.Contains("<html", dashboard, StringComparison.OrdinalIgnoreCase);
        Assert.True(metrics.ContainsKey("tandem_tls_certificate_expiry_seconds{name=\"127.0.0.1\"}"));
        var listener = Assert.Single(tls.RootElement.GetProperty("listeners").EnumerateArray());
        Assert.Equal("admin", listener.GetProperty("name").GetString());
        Assert.Equal("no-responder", listener.GetProperty("certificates")[0].GetProperty("ocsp").GetString());
        await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync(new Uri($"http://127.0.0.1:{node.AdminPort}/api/status")));
        Assert.Contains(node.Logs.Messages(100), m => m.Contains($"admin on https://127.0.0.1:{node.AdminPort}/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AdminTls_ClientCertificatesRequired_RefusesClientWithoutOne()
    {
        using var certs = TestCertificates.Create();
        using var others = TestCertificates.Create("Other CA");
        var (cert, key) = certs.WritePem(certs.Server("127.0.0.1"), "admin");
        var clientCa = certs.WriteCaPem("clients");
        await using var node = await NodeHarness.StartAsync((port, admin) => Yaml(port, admin, cert, key, clientCa));
        var status = new Uri($"https://127.0.0.1:{node.AdminPort}/api/status");
        using var anonymous = Https(certs.Ca);
        using var foreign = Https(certs.Ca, others.Client("ops"));
        using var ops = Https(certs.Ca, certs.Client("ops"));

        await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.GetAsync(status));
        await Assert.ThrowsAsync<HttpRequestException>(() => foreign.GetAsync(status));
        using var answer = await ops.GetAsync(status);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Fact]
    public async Task AdminTls_CertificateReplacedOnDisk_NewConnectionsGetIt()
    {
        using var certs = TestCertificates.Create();
        var files = certs.WritePem(certs.Server("127.0.0.1", "old.test"), "admin");
        await using var node = await NodeHarness.StartAsync((port, admin) => Yaml(port, admin, files.Cert, files.Key));
        var next = certs.WritePem(certs.Server("127.0.0.1", "new.test"), "next");

        File.Move(next.Key, files.Key, overwrite: true);
        File.Move(next.Cert, files.Cert, overwrite: true);
        var replaced = await TestHttp.WaitUntilAsync(async () => (await ServedNamesAsync(node.AdminPort)).Contains("new.test"), TimeSpan.FromSeconds(15),
            TimeSpan.FromMilliseconds(200));

        Assert.True(replaced, "the admin listener did not serve the replaced certificate within 15 s");
        using var https = Https(certs.Ca);
        using var answer = await https.GetAsync(new Uri($"https://127.0.0.1:{node.AdminPort}/api/status"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Fact]
    public async Task Reload_AdminTlsRemoved_KeepsHttpsUntilRestartAndSaysSo()
    {
        using var certs = TestCertificates.Create();
        var (cert, key) = certs.WritePem(certs.Server("127.0.0.1"), "admin");
        await using var node = await NodeHarness.StartAsync((port, admin) => Yaml(port, admin, cert, key));

        node.Rewrite((port, admin) => Yaml(port, admin, cert, key).Replace(
            $"  tls:\n    certificates:\n      - cert: {cert}\n        key: {key}\n", "", StringComparison.Ordinal));
        var logged = await TestHttp.WaitUntilAsync(() => Task.FromResult(node.Logs.Messages(AdminTlsNeedsRestartEvent).Count > 0), TimeSpan.FromSeconds(10));

        Assert.True(logged, "no needs-restart line within 10 s");
        Assert.Contains("keeps its TLS settings (HTTPS) until restart", node.Logs.Messages(AdminTlsNeedsRestartEvent)[0], StringComparison.Ordinal);
        using var https = Https(certs.Ca);
        using var answer = await https.GetAsync(new Uri($"https://127.0.0.1:{node.AdminPort}/api/status"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Fact]
    public async Task PairStatus_TlsAdmin_ConfigTrustsItsCertificateOtherwiseRefusedWithAdvice()
    {
        using var certs = TestCertificates.Create();
        // A name the address does not have: --config trusts the configured certificate itself, not a name.
        var (cert, key) = certs.WritePem(certs.Server("admin.test"), "admin");
        await using var node = await NodeHarness.StartAsync((port, admin) => Yaml(port, admin, cert, key));

        using var byConfig = await TandemProcess.RunToExitAsync("pair", "status", "--config", node.File.Path);
        using var untrusted = await TandemProcess.RunToExitAsync("pair", "status", "--admin", $"https://127.0.0.1:{node.AdminPort}");
        using var plain = await TandemProcess.RunToExitAsync("pair", "status", "--admin", $"127.0.0.1:{node.AdminPort}");

        Assert.True(byConfig.ExitCode == 0, string.Join('\n', byConfig.StderrLines));
        Assert.Equal("standalone: this node has no pair section", byConfig.StdoutLines[0]);
        Assert.Equal(1, untrusted.ExitCode);
        Assert.Contains("is not trusted: pass --config", untrusted.StderrLines[0], StringComparison.Ordinal);
        Assert.Equal(1, plain.ExitCode);
        Assert.Contains($"Does the admin listener have admin.tls? Then use --admin https://127.0.0.1:{node.AdminPort} or --config.", plain.StderrLines[0],
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task PairStatus_MutualTlsAdmin_CaAndClientCertificateReachIt()
    {
        using var certs = TestCertificates.Create();
        var (cert, key) = certs.WritePem(certs.Server("127.0.0.1"), "admin");
        var ca = certs.WriteCaPem();
        var client = certs.WritePem(certs.Client("ops"), "ops", withChain: false);
        await using var node = await NodeHarness.StartAsync((port, admin) => Yaml(port, admin, cert, key, ca));
        var admin = $"https://127.0.0.1:{node.AdminPort}";

        using var withCertificate = await TandemProcess.RunToExitAsync("pair", "status", "--admin", admin, "--ca", ca,
            "--client-cert", client.Cert, "--client-key", client.Key);
        using var without = await TandemProcess.RunToExitAsync("pair", "status", "--admin", admin, "--ca", ca);

        Assert.True(withCertificate.ExitCode == 0, string.Join('\n', withCertificate.StderrLines));
        Assert.Equal("standalone: this node has no pair section", withCertificate.StdoutLines[0]);
        Assert.Equal(1, without.ExitCode);
        Assert.StartsWith($"tandem: cannot reach the node's admin API at 127.0.0.1:{node.AdminPort}: ", without.StderrLines[0], StringComparison.Ordinal);
    }

    /// <summary>The DNS names of the certificate a new connection to the admin port is served.</summary>
    private static async Task<IReadOnlyList<string>> ServedNamesAsync(int adminPort)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, adminPort);
        await using var ssl = new SslStream(tcp.GetStream());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null,
        }, timeout.Token);
        using var served = new X509Certificate2(ssl.RemoteCertificate!);
        return [.. served.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames())];
    }
}
