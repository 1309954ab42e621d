using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace Tandem.Testing;

/// <summary>
/// <c>openssl ocsp</c> as an OCSP responder for a <see cref="TestCertificates"/> CA: it signs its answers with the CA's own
/// key (allowed by RFC 6960 §4.2.2.2) and knows the certificates it was given as valid. OpenSSL 3.0 takes only a port
/// (it listens on every address); the tests only ever reach it on 127.0.0.1.
/// </summary>
public sealed class OcspResponder : IDisposable
{
    private readonly PeerProcess _process;

    private OcspResponder(PeerProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The URL to write into a certificate's AIA extension.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}");

    /// <summary>A port for the responder, to be issued into certificates before it starts.</summary>
    public static int TakePort() => TestPorts.Next();

    /// <summary>Starts answering on <paramref name="port"/> that each of <paramref name="valid"/> is good; waits (up to 15 s) until it answers.</summary>
    public static async Task<OcspResponder> StartAsync(TestCertificates certificates, int port, params X509Certificate2[] valid)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var index = Path.Combine(certificates.Directory, "ocsp-index.txt");
        // openssl's CA database: status, expiry (YYMMDDHHMMSSZ), revocation date, serial (hex), file, subject.
        var lines = valid.Select(c => string.Join('\t', "V", c.NotAfter.ToUniversalTime().ToString("yyMMddHHmmss'Z'", CultureInfo.InvariantCulture), "",
            c.SerialNumber, "unknown", "/" + c.Subject.Replace(", ", "/", StringComparison.Ordinal)));
        await File.WriteAllTextAsync(index, string.Join('\n', lines) + "\n");
        var ca = certificates.WriteCaPem("ocsp-ca");
        var key = certificates.WriteCaKey("ocsp-ca");
        var process = PeerProcess.Start("openssl", "ocsp", "-index", index, "-port", port.ToString(CultureInfo.InvariantCulture), "-rsigner", ca, "-rkey", key, "-CA", ca,
            "-nmin", "60");
        var responder = new OcspResponder(process, port);
        // Ready once it answers a real request (an empty connection would make openssl ocsp give up and exit).
        var probeCert = Path.Combine(certificates.Directory, "ocsp-probe.pem");
        await File.WriteAllTextAsync(probeCert, valid[0].ExportCertificatePem());
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        while (true)
        {
            var (exitCode, output) = await PeerProcess.RunAsync("openssl", TimeSpan.FromSeconds(5), null,
                "ocsp", "-issuer", ca, "-cert", probeCert, "-url", responder.Url, "-noverify");
            if (exitCode == 0 && output.Contains(": good", StringComparison.Ordinal))
            {
                return responder;
            }
            if (process.HasExited || DateTimeOffset.UtcNow > deadline)
            {
                responder.Dispose();
                throw new InvalidOperationException($"openssl ocsp on port {port} did not answer within 15 s: {output}");
            }
            await Task.Delay(200);
        }
    }

    public void Dispose() => _process.Dispose();
}
