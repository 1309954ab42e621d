using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Tls;

/// <summary>
/// Sessions and suites as a real client (<c>openssl s_client</c>) sees them: a TLS 1.3 client resumes its session on
/// the next connection (so a returning client pays no full handshake), while a client that offers only TLS 1.2 still gets
/// only the listener's AEAD suites with forward secrecy, however it orders its list.
/// </summary>
public sealed class TlsSessionTests
{
    private const string Request = "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n";

    private static async Task<ProxyHarness> StartAsync(TestCertificates certs, TestBackend backend)
    {
        var (cert, key) = certs.WritePem(certs.Server("a.test"), "a");
        var config = TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [backend.ServerConfig()], p => p,
            l => l with { Tls = new ListenerTlsConfig { Certificates = [new CertificateFiles(cert, key)] } });
        return await ProxyHarness.StartAsync(config);
    }

    /// <summary>One request over a new connection; s_client's exit code is not looked at (the server closes without close_notify).</summary>
    private static Task<(int ExitCode, string Output)> SClientAsync(ProxyHarness proxy, params string[] args) =>
        PeerProcess.RunAsync("openssl", TimeSpan.FromSeconds(30), Request,
            ["s_client", "-connect", proxy.Runtime.Listeners[0].Bound, "-servername", "a.test", "-ign_eof", .. args]);

    [RequiresFact("openssl")]
    public async Task Reconnect_Tls13Client_ResumesItsSession()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await TestBackend.StartAsync("a");
        await using var proxy = await StartAsync(certs, backend);
        var session = Path.Combine(certs.Directory, "session.pem");

        var first = await SClientAsync(proxy, "-tls1_3", "-sess_out", session);
        var second = await SClientAsync(proxy, "-tls1_3", "-sess_in", session);

        Assert.Contains("New, TLSv1.3", first.Output, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 200", first.Output, StringComparison.Ordinal);
        Assert.Contains("Reused, TLSv1.3", second.Output, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 200", second.Output, StringComparison.Ordinal);
    }

    [RequiresFact("openssl")]
    public async Task Handshake_Tls12ClientListingCbcFirst_GetsAnAeadSuite()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await TestBackend.StartAsync("a");
        await using var proxy = await StartAsync(certs, backend);

        var (_, output) = await SClientAsync(proxy, "-tls1_2", "-cipher",
            "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256");

        Assert.Contains("HTTP/1.1 200", output, StringComparison.Ordinal);
        Assert.Matches(@"New, TLSv1\.2, Cipher is ECDHE-(ECDSA|RSA)-AES128-GCM-SHA256", output);
    }

    [RequiresFact("openssl")]
    public async Task Handshake_Tls12ClientOfferingOnlyCbc_IsRefused()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await TestBackend.StartAsync("a");
        await using var proxy = await StartAsync(certs, backend);

        var (exitCode, output) = await SClientAsync(proxy, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:AES128-SHA256");

        Assert.True(exitCode != 0, output);
        Assert.DoesNotContain("HTTP/1.1 200", output, StringComparison.Ordinal);
    }
}
