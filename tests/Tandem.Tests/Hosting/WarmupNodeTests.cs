using System.Globalization;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Hosting;

/// <summary>The start-up warm-up runs the paths the node's listeners serve: plain HTTP, TLS, or both.</summary>
public sealed class WarmupNodeTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task WarmUp_TlsListenerOnly_RunsEveryRequestOverTls()
    {
        using var certificates = TestCertificates.Create();
        var (cert, key) = certificates.WritePem(certificates.Server("site.example"), "site");
        await using var node = await NodeHarness.StartAsync((port, adminPort) => Config(port, adminPort, SecureListener(port, cert, key)));

        var result = await node.Node.Runtime.WarmUpAsync(Budget, CancellationToken.None);

        Assert.True(result.Requests > 0, "no warm-up request was answered");
        Assert.Equal(result.Requests, result.TlsRequests);
    }

    [Fact]
    public async Task WarmUp_PlainAndTlsListeners_RunsBoth()
    {
        using var certificates = TestCertificates.Create();
        var (cert, key) = certificates.WritePem(certificates.Server("site.example"), "site");
        var tlsPort = FreePorts.Take(1)[0];
        await using var node = await NodeHarness.StartAsync((port, adminPort) => Config(port, adminPort, $"""
              - name: web
                bind: 127.0.0.1:{port}
                pool: app
            """ + "\n" + SecureListener(tlsPort, cert, key)));

        var result = await node.Node.Runtime.WarmUpAsync(Budget, CancellationToken.None);

        Assert.True(result.TlsRequests > 0, "no warm-up request went over TLS");
        Assert.True(result.Requests > result.TlsRequests, "no warm-up request went over plain HTTP");
    }

    [Fact]
    public async Task WarmUp_PlainListenerOnly_RunsNoTls()
    {
        await using var node = await NodeHarness.StartAsync((port, adminPort) => Config(port, adminPort, $"""
              - name: web
                bind: 127.0.0.1:{port}
                pool: app
            """));

        var result = await node.Node.Runtime.WarmUpAsync(Budget, CancellationToken.None);

        Assert.True(result.Requests > 0, "no warm-up request was answered");
        Assert.Equal(0, result.TlsRequests);
    }

    /// <summary>A TLS listener named <c>secure</c> on <paramref name="port"/>, for <see cref="Config"/>.</summary>
    private static string SecureListener(int port, string cert, string key) => string.Create(CultureInfo.InvariantCulture, $"""
          - name: secure
            bind: 127.0.0.1:{port}
            pool: app
            tls:
              certificates:
                - cert: {cert}
                  key: {key}
        """);

    private static string Config(int port, int adminPort, string listeners) => string.Create(CultureInfo.InvariantCulture, $"""
        listeners:
        {listeners}
        admin:
          bind: 127.0.0.1:{adminPort}
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:9
        """);
}
