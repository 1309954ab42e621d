using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Tandem.Core.Config;
using Tandem.Hosting;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Tls;

/// <summary>
/// Real nodes ordering certificates from a real pebble on loopback: dnsmasq resolves the test names to 127.0.0.1, and
/// pebble's validation ports are the node's HTTP and TLS listener ports, so every challenge is answered by Tandem.
/// </summary>
public sealed class AcmeNodeTests : IAsyncLifetime
{
    private static readonly string[] Tools = [PebbleServer.Tool, DnsmasqServer.Tool];
    private static readonly TimeSpan IssueBound = TimeSpan.FromSeconds(90);

    private readonly string _dataDir = Directory.CreateTempSubdirectory("tandem-acme-").FullName;
    private readonly List<TandemNode> _nodes = [];
    private DnsmasqServer? _dns;
    private PebbleServer? _pebble;
    private int[] _ports = [];

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task StartPebbleAsync(int? validitySeconds = null, int nonceReject = 0)
    {
        Requirements.Check(Tools);
        _dns = await DnsmasqServer.StartAsync(("a.test", "127.0.0.1"), ("www.a.test", "127.0.0.1"), ("b.test", "127.0.0.1"));
        _ports = FreePorts.Take(3); // http, https, admin
        _pebble = await PebbleServer.StartAsync(_ports[0], _ports[1], _dns.Address, validitySeconds, nonceReject);
    }

    private string Yaml(string challenge, string domains, bool plainListener) => string.Create(CultureInfo.InvariantCulture, $"""
        listeners:
        {(plainListener ? $"  - name: plain\n    bind: 127.0.0.1:{_ports[0]}\n    pool: app\n" : "")}  - name: web
            bind: 127.0.0.1:{_ports[1]}
            pool: app
            tls:
              acme:
                directory: {_pebble!.Directory}
                email: ops@a.test
                domains: {domains}
                challenge: {challenge}
                ca: {_pebble.CaPath}
        admin:
          bind: 127.0.0.1:{_ports[2]}
        data-dir: {_dataDir}
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:9
        """);

    private async Task<TandemNode> StartNodeAsync(string yaml)
    {
        var file = Path.Combine(_dataDir, "tandem.yaml");
        await File.WriteAllTextAsync(file, yaml);
        var loaded = ConfigLoader.Load(file);
        Assert.True(loaded.IsValid, string.Join('\n', loaded.Problems));
        var node = await TandemNode.StartAsync(loaded.Config!, null, new NodeOptions { HandleSignals = false }, CancellationToken.None);
        _nodes.Add(node);
        return node;
    }

    /// <summary>The certificate the TLS listener serves for <paramref name="name"/> now.</summary>
    private async Task<X509Certificate2> ServedAsync(string name)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", _ports[1]);
        await using var ssl = new SslStream(tcp.GetStream());
        // Any certificate is looked at: the test asks which one is served, not whether it is trusted.
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = name,
            RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null,
        });
        return X509CertificateLoader.LoadCertificate(ssl.RemoteCertificate!.GetRawCertData());
    }

    private async Task<X509Certificate2> WaitForIssuedAsync(string name, Func<X509Certificate2, bool>? also = null)
    {
        X509Certificate2? served = null;
        var issued = await TestHttp.WaitUntilAsync(async () =>
        {
            served = await ServedAsync(name);
            return served.Issuer.Contains("Pebble", StringComparison.Ordinal) && (also?.Invoke(served) ?? true);
        }, IssueBound, TimeSpan.FromMilliseconds(250));
        Assert.True(issued, $"no pebble certificate for {name} within {IssueBound}; serving {served?.Subject} from {served?.Issuer}\n{await ApiTlsAsync()}\n{_pebble!.Output}");
        return served!;
    }

    private async Task<string> ApiTlsAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{_ports[2]}/api/tls"));
    }

    [RequiresFact(PebbleServer.Tool, DnsmasqServer.Tool)]
    public async Task Http01_MissingCertificate_OrderedAtStartServedStoredKeptOnReloadAndLoadedOnRestart()
    {
        await StartPebbleAsync();
        var yaml = Yaml("http-01", "[a.test, www.a.test]", plainListener: true);
        var node = await StartNodeAsync(yaml);

        var served = await WaitForIssuedAsync("www.a.test");

        Assert.Equal(["a.test", "www.a.test"], served.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        using (var api = JsonDocument.Parse(await ApiTlsAsync()))
        {
            var certificate = Assert.Single(Assert.Single(api.RootElement.GetProperty("listeners").EnumerateArray()).GetProperty("certificates").EnumerateArray());
            Assert.Equal(("a.test", "acme", JsonValueKind.Null), (certificate.GetProperty("name").GetString(), certificate.GetProperty("source").GetString(),
                certificate.GetProperty("lastError").ValueKind));
            Assert.True(certificate.GetProperty("nextAttempt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(30), "renewal is years ahead for pebble's 5-year certificates");
        }
        var key = Path.Combine(Assert.Single(Directory.GetDirectories(Path.Combine(_dataDir, "acme", "certificates"), "a.test-*")), "key.pem");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        }
        Assert.Single(Directory.GetFiles(Path.Combine(_dataDir, "acme", "accounts"), "*.key"));

        // A reload that replaces the TLS listener (its limits change): the new listener serves the certificate at once.
        var file = Path.Combine(_dataDir, "reload.yaml");
        await File.WriteAllTextAsync(file, yaml.Replace("    pool: app\n    tls:", "    pool: app\n    max-connections: 100\n    tls:", StringComparison.Ordinal));
        Assert.True(await node.ApplyReloadAsync(ConfigLoader.Load(file)));
        Assert.Equal(served.Thumbprint, (await ServedAsync("a.test")).Thumbprint);
        Assert.Contains("max-connections: 100", await File.ReadAllTextAsync(file), StringComparison.Ordinal);

        await node.DisposeAsync();
        _nodes.Remove(node);
        await StartNodeAsync(yaml);

        // Loaded from the data directory before the listener takes connections: the first handshake gets it.
        Assert.Equal(served.Thumbprint, (await ServedAsync("a.test")).Thumbprint);
    }

    [RequiresFact(PebbleServer.Tool, DnsmasqServer.Tool)]
    public async Task TlsAlpn01_OnlyATlsListener_ChallengeAnsweredOnTheTlsPortAndCertificateServed()
    {
        await StartPebbleAsync();
        await StartNodeAsync(Yaml("tls-alpn-01", "[b.test]", plainListener: false));

        var served = await WaitForIssuedAsync("b.test");

        Assert.Equal(["b.test"], served.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
    }

    [RequiresFact(PebbleServer.Tool, DnsmasqServer.Tool)]
    public async Task Renewal_ShortLifetime_NewCertificateServedAtTwoThirdsWithNonceErrors()
    {
        // 24 s certificates renew about 16 s after issue; pebble refuses a quarter of the nonces meanwhile.
        await StartPebbleAsync(validitySeconds: 24, nonceReject: 25);
        await StartNodeAsync(Yaml("http-01", "[a.test]", plainListener: true));
        var first = await WaitForIssuedAsync("a.test");

        var renewed = await WaitForIssuedAsync("a.test", c => c.SerialNumber != first.SerialNumber);

        Assert.True(renewed.NotBefore >= first.NotBefore, "the renewed certificate is the newer one");
        Assert.InRange(renewed.NotBefore - first.NotBefore, TimeSpan.FromSeconds(10), IssueBound);
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
        if (_pebble is not null)
        {
            await _pebble.DisposeAsync();
        }
        if (_dns is not null)
        {
            await _dns.DisposeAsync();
        }
        Directory.Delete(_dataDir, recursive: true);
    }
}
