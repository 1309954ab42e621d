using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Hosting;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Tls;

/// <summary>
/// A pair with one ACME certificate: node <c>a</c> (its name sorts first) orders it from a real pebble, and node <c>b</c>
/// serves the same certificate, which reached it over the pair channel with its private key sealed, without ordering.
/// </summary>
public sealed class AcmePairTests : IAsyncLifetime
{
    private static readonly TimeSpan IssueBound = TimeSpan.FromSeconds(90);

    private readonly string _directory = Directory.CreateTempSubdirectory("tandem-acme-pair-").FullName;
    private readonly List<TandemNode> _nodes = [];
    private DnsmasqServer? _dns;
    private PebbleServer? _pebble;

    public Task InitializeAsync() => Task.CompletedTask;

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
        Directory.Delete(_directory, recursive: true);
    }

    /// <param name="node">The node's name.</param>
    /// <param name="ports">Its plain, TLS, admin and pair ports.</param>
    /// <param name="peerPair">The peer's pair port.</param>
    /// <param name="secret">The pair's secret file.</param>
    private string Yaml(string node, int[] ports, int peerPair, string secret) => string.Create(CultureInfo.InvariantCulture, $"""
        listeners:
          - name: plain
            bind: 127.0.0.1:{ports[0]}
            pool: app
          - name: web
            bind: 127.0.0.1:{ports[1]}
            pool: app
            tls:
              acme:
                directory: {_pebble!.Directory}
                email: ops@a.test
                domains: [a.test]
                challenge: http-01
                ca: {_pebble.CaPath}
        admin:
          bind: 127.0.0.1:{ports[2]}
        data-dir: {Path.Combine(_directory, node)}
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:9
        pair:
          node: {node}
          bind: 127.0.0.1:{ports[3]}
          peer: 127.0.0.1:{peerPair}
          secret-file: {secret}
          heartbeat: 100ms
          peer-timeout: 5s
        """);

    private async Task<TandemNode> StartNodeAsync(string name, string yaml, CapturingLoggerProvider logs)
    {
        var file = Path.Combine(_directory, name + ".yaml");
        await File.WriteAllTextAsync(file, yaml);
        var loaded = ConfigLoader.Load(file);
        Assert.True(loaded.IsValid, string.Join('\n', loaded.Problems));
        // No config path: config sync stays off, so each node keeps its own binds on this one loopback.
        var node = await TandemNode.StartAsync(loaded.Config!, null,
            new NodeOptions { HandleSignals = false, Logging = logging => logging.AddProvider(logs) }, CancellationToken.None);
        _nodes.Add(node);
        return node;
    }

    private static async Task<X509Certificate2> ServedAsync(int port, string name)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = name,
            RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null,
        });
        return X509CertificateLoader.LoadCertificate(ssl.RemoteCertificate!.GetRawCertData());
    }

    private static async Task<X509Certificate2> WaitForPebbleAsync(int port, string what)
    {
        X509Certificate2? served = null;
        var issued = await TestHttp.WaitUntilAsync(async () =>
        {
            served = await ServedAsync(port, "a.test");
            return served.Issuer.Contains("Pebble", StringComparison.Ordinal);
        }, IssueBound, TimeSpan.FromMilliseconds(250));
        Assert.True(issued, $"{what}: no pebble certificate within {IssueBound}; serving {served?.Subject} from {served?.Issuer}");
        return served!;
    }

    [RequiresFact(PebbleServer.Tool, DnsmasqServer.Tool)]
    public async Task Pair_OneNodeOrders_BothServeTheSameCertificate()
    {
        Requirements.Check([PebbleServer.Tool, DnsmasqServer.Tool]);
        _dns = await DnsmasqServer.StartAsync(("a.test", "127.0.0.1"));
        var a = FreePorts.Take(4);
        var b = FreePorts.Take(4);
        // pebble validates http-01 on node a's plain listener; node b's would never be asked.
        _pebble = await PebbleServer.StartAsync(a[0], a[1], _dns.Address);
        var secret = Path.Combine(_directory, "pair.secret");
        await File.WriteAllTextAsync(secret, "acme-pair-" + Guid.NewGuid().ToString("N") + "\n");
        var logsA = new CapturingLoggerProvider();
        var logsB = new CapturingLoggerProvider();

        await StartNodeAsync("a", Yaml("a", a, b[3], secret), logsA);
        await StartNodeAsync("b", Yaml("b", b, a[3], secret), logsB);
        var servedA = await WaitForPebbleAsync(a[1], "node a");
        var servedB = await WaitForPebbleAsync(b[1], "node b");

        Assert.Equal(servedA.Thumbprint, servedB.Thumbprint);
        Assert.Contains(logsA.Lines, l => l.EventId.Id == 7710); // a ordered it
        Assert.DoesNotContain(logsB.Lines, l => l.EventId.Id == 7710); // b did not
        Assert.Contains(logsB.Lines, l => l.EventId.Id == 7713 && l.Message.Contains("peer a", StringComparison.Ordinal));
        // b keeps it in its own data directory, its key readable by the owner only, so a restart of b serves it at once.
        var key = Path.Combine(Assert.Single(Directory.GetDirectories(Path.Combine(_directory, "b", "acme", "certificates"), "a.test-*")), "key.pem");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        }
        Assert.False(Directory.Exists(Path.Combine(_directory, "b", "acme", "accounts")), "node b made an ACME account: it ordered");
    }

    [RequiresFact(PebbleServer.Tool, DnsmasqServer.Tool)]
    public async Task Pair_PeerThatOrdersIsAway_TheOtherOrdersItself()
    {
        Requirements.Check([PebbleServer.Tool, DnsmasqServer.Tool]);
        _dns = await DnsmasqServer.StartAsync(("a.test", "127.0.0.1"));
        var b = FreePorts.Take(4);
        var absentPeer = FreePorts.Take(1)[0];
        _pebble = await PebbleServer.StartAsync(b[0], b[1], _dns.Address);
        var secret = Path.Combine(_directory, "pair.secret");
        await File.WriteAllTextAsync(secret, "acme-pair-" + Guid.NewGuid().ToString("N") + "\n");
        var logs = new CapturingLoggerProvider();

        // b would leave ordering to a, but a never answers: after a short wait for the pair, b orders alone.
        await StartNodeAsync("b", Yaml("b", b, absentPeer, secret), logs);
        await WaitForPebbleAsync(b[1], "node b");

        Assert.Contains(logs.Lines, l => l.EventId.Id == 7710);
    }
}
