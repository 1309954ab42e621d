using System.Net;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Runtime;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Tls;

/// <summary>
/// OCSP stapling on a TLS listener: a real responder (<c>openssl ocsp</c>) and a real client (<c>openssl s_client -status</c>)
/// see a stapled "good" answer; a dead or hung responder never delays the listener's start, its handshakes or a
/// certificate reload; a certificate without an OCSP responder, or whose chain does not reach a root, fetches nothing.
/// </summary>
public sealed class OcspStaplingTests
{
    private static TandemConfig TlsConfig(TestBackend backend, params (string Cert, string Key)[] files) =>
        TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [backend.ServerConfig()], p => p,
            l => l with { Tls = new ListenerTlsConfig { Certificates = [.. files.Select(f => new CertificateFiles(f.Cert, f.Key))] } });

    private static IPEndPoint EndPoint(ProxyHarness proxy) => IPEndPoint.Parse(proxy.Runtime.Listeners[0].Bound);

    private static List<TlsCertificateStatus> Certificates(ProxyHarness proxy) => [.. proxy.Runtime.TlsCertificates.SelectMany(l => l.Certificates)];

    [RequiresFact("openssl")]
    public async Task Handshake_ResponderAnswers_OpensslClientSeesStapledGoodStatus()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await TestBackend.StartAsync("a");
        var port = OcspResponder.TakePort();
        using var leaf = certs.ServerWithAia("a.test", $"http://127.0.0.1:{port}", null);
        using var responder = await OcspResponder.StartAsync(certs, port, leaf);
        await using var proxy = await ProxyHarness.StartAsync(TlsConfig(backend, certs.WritePem(leaf, "a")));

        // .NET fetches in the background from the moment the certificate is loaded; handshakes never wait for it.
        var stapled = await TestHttp.WaitUntilAsync(() => Task.FromResult(Certificates(proxy)[0].Ocsp == TlsOcspStates.Stapled), TimeSpan.FromSeconds(30));
        var (exitCode, output) = await PeerProcess.RunAsync("openssl", TimeSpan.FromSeconds(30), "",
            "s_client", "-connect", proxy.Runtime.Listeners[0].Bound, "-servername", "a.test", "-status");

        Assert.True(stapled, $"no OCSP answer held within 30 s: {Certificates(proxy)[0]}");
        var status = Certificates(proxy)[0];
        Assert.Equal(responder.Url, status.OcspResponder);
        Assert.True(status.OcspValidUntil > DateTimeOffset.UtcNow, $"valid until {status.OcspValidUntil}");
        Assert.True(exitCode == 0, $"s_client exited {exitCode}: {output}");
        Assert.Contains("OCSP Response Status: successful", output, StringComparison.Ordinal);
        Assert.Contains("Cert Status: good", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ResponderPortClosed_ServesWithoutStaple()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await TestBackend.StartAsync("a");
        // Nothing listens there: each fetch is refused at once.
        using var leaf = certs.ServerWithAia("a.test", $"http://127.0.0.1:{TestPorts.Next()}", null);

        await using var proxy = await ProxyHarness.StartAsync(TlsConfig(backend, certs.WritePem(leaf, "a")));
        var served = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => TlsClient.ServedNameAsync(EndPoint(proxy), "a.test")).ToList())
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(served, name => Assert.Equal("a.test", name));
        Assert.Equal(TlsOcspStates.Waiting, Certificates(proxy)[0].Ocsp);
    }

    [Fact]
    public async Task StartAndReload_ResponderNeverAnswers_ServeWithoutWaitingForIt()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await TestBackend.StartAsync("a");
        await using var hung = new HungServer("ocsp");
        var url = $"http://{hung.Address}";
        using var first = certs.ServerWithAia("a.test", url, null);
        var files = certs.WritePem(first, "a");

        // The fetch hangs for HttpClient's 100 s; neither the start nor a handshake nor a reload may wait for it.
        await using var proxy = await ProxyHarness.StartAsync(TlsConfig(backend, files)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("a.test", await TlsClient.ServedNameAsync(EndPoint(proxy), "a.test").WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(hung.Accepted > 0), TimeSpan.FromSeconds(30)), "no OCSP fetch reached the responder");
        using var second = certs.ServerWithAia("b.test", url, null);
        var next = certs.WritePem(second, "b");
        File.Move(next.Key, files.Key, overwrite: true);
        File.Move(next.Cert, files.Cert, overwrite: true);
        var reloaded = await TestHttp.WaitUntilAsync(async () => await TlsClient.ServedNameAsync(EndPoint(proxy), "a.test") == "b.test", TimeSpan.FromSeconds(30));

        Assert.True(reloaded, "the replaced certificate was not served within 30 s");
        Assert.Equal(TlsOcspStates.Waiting, Certificates(proxy)[0].Ocsp);
    }

    [Fact]
    public async Task Start_NoResponderOrNoRoot_FetchesNothing()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await TestBackend.StartAsync("a");
        await using var watcher = new HungServer("aia");
        var url = $"http://{watcher.Address}";
        // Only a CA Issuers URL, and a file without the issuer: online chain building would download it from there.
        using var issuersOnly = certs.ServerWithAia("a.test", null, url);
        // An OCSP URL, but the issuer is not in the file nor trusted here: .NET could not ask for the leaf's status.
        using var noRoot = certs.ServerWithAia("b.test", url, url);

        await using var proxy = await ProxyHarness.StartAsync(TlsConfig(backend, certs.WritePem(issuersOnly, "a", withChain: false), certs.WritePem(noRoot, "b", withChain: false)));
        Assert.Equal("a.test", await TlsClient.ServedNameAsync(EndPoint(proxy), "a.test"));
        Assert.Equal("b.test", await TlsClient.ServedNameAsync(EndPoint(proxy), "b.test"));
        // A fetch would start while the certificates load; give one a moment to arrive before asserting there was none.
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(0, watcher.Accepted);
        Assert.Equal([TlsOcspStates.NoResponder, TlsOcspStates.NoIssuer], Certificates(proxy).Select(c => c.Ocsp));
        Assert.Equal([null, url], Certificates(proxy).Select(c => c.OcspResponder));
    }
}
