using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Tandem.Testing;

/// <summary>
/// Let's Encrypt's test ACME server (Debian's <c>pebble</c>) on 127.0.0.1: its directory on an ephemeral port with a TLS
/// certificate from a CA the test writes (<see cref="CaPath"/>, for <c>tls.acme.ca</c>), validating http-01 on
/// <c>httpPort</c> and tls-alpn-01 on <c>tlsPort</c> of whatever the names resolve to through <c>dnsServer</c>.
/// No random validation sleeps; never "always valid".
/// </summary>
public sealed class PebbleServer : IAsyncDisposable
{
    public const string Tool = "pebble";

    private readonly Process _process;
    private readonly TestCertificates _certificates;
    private readonly StringBuilder _output;

    private PebbleServer(Process process, TestCertificates certificates, StringBuilder output, int port, int managementPort, string caPath)
    {
        _process = process;
        _certificates = certificates;
        _output = output;
        Port = port;
        ManagementPort = managementPort;
        CaPath = caPath;
    }

    public int Port { get; }

    public int ManagementPort { get; }

    /// <summary>The CA of pebble's own HTTPS certificate (not of the certificates it issues).</summary>
    public string CaPath { get; }

    public Uri Directory => new(string.Create(CultureInfo.InvariantCulture, $"https://127.0.0.1:{Port}/dir"));

    /// <summary>What pebble printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="httpPort">Where pebble sends http-01 validations.</param>
    /// <param name="tlsPort">Where pebble sends tls-alpn-01 validations.</param>
    /// <param name="dnsServer">host:port of the DNS server pebble resolves names with.</param>
    /// <param name="validitySeconds">The lifetime of issued certificates; pebble's default (5 years) when null.</param>
    /// <param name="nonceRejectPercent">The share of good nonces pebble rejects with badNonce.</param>
    public static async Task<PebbleServer> StartAsync(int httpPort, int tlsPort, string dnsServer, int? validitySeconds = null, int nonceRejectPercent = 0)
    {
        var certificates = TestCertificates.Create("Pebble Listener Test CA");
        var (cert, key) = certificates.WritePem(certificates.Server("127.0.0.1", "localhost"), "pebble", withChain: false);
        var caPath = certificates.WriteCaPem();
        for (var attempt = 0; ; attempt++)
        {
            var port = TestHttp.FreePort();
            var managementPort = TestHttp.FreePort();
            var settings = new JsonObject
            {
                ["listenAddress"] = $"127.0.0.1:{port}",
                ["managementListenAddress"] = $"127.0.0.1:{managementPort}",
                ["certificate"] = cert,
                ["privateKey"] = key,
                ["httpPort"] = httpPort,
                ["tlsPort"] = tlsPort,
                ["ocspResponderURL"] = "",
                ["externalAccountBindingRequired"] = false,
            };
            if (validitySeconds is { } validity)
            {
                settings["certificateValidityPeriod"] = validity;
            }
            var configPath = Path.Combine(certificates.Directory, "pebble-config.json");
            await File.WriteAllTextAsync(configPath, new JsonObject { ["pebble"] = settings }.ToJsonString());
            var start = new ProcessStartInfo(Requirements.Find(Tool) ?? Tool)
            {
                ArgumentList = { "-config", configPath, "-dnsserver", dnsServer },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                WorkingDirectory = certificates.Directory,
            };
            start.Environment["PEBBLE_VA_NOSLEEP"] = "1";
            start.Environment["PEBBLE_VA_ALWAYS_VALID"] = "0";
            start.Environment["PEBBLE_WFE_NONCEREJECT"] = nonceRejectPercent.ToString(CultureInfo.InvariantCulture);
            // Every order validates afresh, so each test sees its own challenges answered.
            start.Environment["PEBBLE_AUTHZREUSE"] = "0";
            var output = new StringBuilder();
            var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new PebbleServer(process, certificates, output, port, managementPort, caPath);
            if (await server.AnswersAsync())
            {
                return server;
            }
            var said = server.Output;
            await server.StopProcessAsync();
            if (attempt >= 2)
            {
                certificates.Dispose();
                throw new InvalidOperationException("pebble did not start: " + said);
            }
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    /// <summary>An HTTP client that trusts pebble's listener certificate.</summary>
    public HttpClient CreateClient()
    {
        var ca = X509CertificateLoader.LoadCertificate(_certificates.Ca.RawData);
        var handler = new SocketsHttpHandler { UseProxy = false };
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(ca);
        handler.SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Whether the directory answers within about ten seconds.</summary>
    private async Task<bool> AnswersAsync()
    {
        using var http = CreateClient();
        for (var i = 0; i < 40 && !_process.HasExited; i++)
        {
            try
            {
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var response = await http.GetAsync(Directory, wait.Token);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(250);
        }
        return false;
    }

    private async Task StopProcessAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        _certificates.Dispose();
    }
}
