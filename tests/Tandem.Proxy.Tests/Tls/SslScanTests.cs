using System.Xml.Linq;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Tls;

/// <summary>
/// Protocol hygiene seen from outside: Debian's <c>sslscan</c> against a TLS listener with the default settings finds
/// only TLS 1.2 and 1.3, only AEAD cipher suites with forward secrecy, and no renegotiation.
/// </summary>
public sealed class SslScanTests
{
    [RequiresFact("sslscan")]
    public async Task SslScan_DefaultListener_OnlyModernProtocolsAndForwardSecretCiphers()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await TestBackend.StartAsync("a");
        var (cert, key) = certs.WritePem(certs.Server("a.test"), "a");
        var config = TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [backend.ServerConfig()], p => p,
            l => l with { Tls = new ListenerTlsConfig { Certificates = [new CertificateFiles(cert, key)] } });
        await using var proxy = await ProxyHarness.StartAsync(config);

        var (exitCode, output) = await PeerProcess.RunAsync("sslscan", TimeSpan.FromSeconds(120), null,
            "--xml=-", "--no-colour", "--no-heartbleed", "--sni-name=a.test", proxy.Runtime.Listeners[0].Bound);

        Assert.True(exitCode == 0, $"sslscan exited {exitCode}: {output}");
        var xml = XDocument.Parse(output[output.IndexOf("<?xml", StringComparison.Ordinal)..output.LastIndexOf("</document>", StringComparison.Ordinal)]
            + "</document>");
        var protocols = xml.Descendants("protocol").ToDictionary(p => $"{p.Attribute("type")?.Value}{p.Attribute("version")?.Value}",
            p => p.Attribute("enabled")?.Value == "1");
        Assert.Equal(new Dictionary<string, bool>
        {
            ["ssl2"] = false, ["ssl3"] = false, ["tls1.0"] = false, ["tls1.1"] = false, ["tls1.2"] = true, ["tls1.3"] = true,
        }, protocols);
        var accepted = xml.Descendants("cipher").Where(c => c.Attribute("status")?.Value is "accepted" or "preferred")
            .Select(c => (Version: c.Attribute("sslversion")!.Value, Name: c.Attribute("cipher")!.Value)).ToList();
        Assert.NotEmpty(accepted);
        foreach (var (version, name) in accepted)
        {
            // TLS 1.3 suites are all AEAD with an ephemeral key exchange; TLS 1.2 must be ECDHE (or DHE) with GCM or ChaCha20.
            var forwardSecret = version == "TLSv1.3" || name.StartsWith("ECDHE-", StringComparison.Ordinal) || name.StartsWith("DHE-", StringComparison.Ordinal);
            var aead = version == "TLSv1.3" || name.Contains("GCM", StringComparison.Ordinal) || name.Contains("CHACHA20", StringComparison.Ordinal);
            Assert.True(forwardSecret && aead, $"{version} {name} offered");
        }
        // No insecure renegotiation (TLS compression is gone from OpenSSL 3: sslscan no longer reports it).
        Assert.Contains(xml.Descendants("renegotiation"), r => r.Attribute("supported")?.Value == "0");
    }
}
