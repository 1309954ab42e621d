using System.Net;
using Microsoft.AspNetCore.Hosting;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Tls;

public sealed class UpstreamTlsTests
{
    private static Task<TestBackend> HttpsBackendAsync(TestCertificates certs, string name) =>
        TestBackend.StartAsync(name, listen: o => o.UseHttps(certs.Server("backend.test", "127.0.0.1")));

    private static TandemConfig Config(TestBackend backend, UpstreamTlsConfig tls) =>
        TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [backend.ServerConfig()], p => p with { Tls = tls }, drainTimeout: TimeSpan.FromSeconds(1));

    [Fact]
    public async Task Forward_HttpsServerSignedByPoolCa_Served()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await HttpsBackendAsync(certs, "a");
        await using var proxy = await ProxyHarness.StartAsync(Config(backend, new UpstreamTlsConfig { Ca = certs.WriteCaPem() }));

        Assert.Equal("a", await proxy.Client.GetStringAsync(new Uri("/", UriKind.Relative)));
        Assert.Equal(1, backend.Requests);
    }

    [Fact]
    public async Task Forward_SniGiven_VerifiesThatName()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await HttpsBackendAsync(certs, "a");
        var ca = certs.WriteCaPem();
        await using var proxy = await ProxyHarness.StartAsync(Config(backend, new UpstreamTlsConfig { Ca = ca, Sni = "backend.test" }));

        Assert.Equal("a", await proxy.Client.GetStringAsync(new Uri("/", UriKind.Relative)));
        await proxy.Runtime.ApplyAsync(Config(backend, new UpstreamTlsConfig { Ca = ca, Sni = "elsewhere.test" }), CancellationToken.None);
        using var response = await proxy.Client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Fact]
    public async Task Forward_ServerFromAnotherCa_502AndPassiveFailure()
    {
        using var certs = TestCertificates.Create();
        using var other = TestCertificates.Create("Other CA");
        await using var backend = await HttpsBackendAsync(certs, "a");
        await using var proxy = await ProxyHarness.StartAsync(Config(backend, new UpstreamTlsConfig { Ca = other.WriteCaPem() }));

        using var response = await proxy.Client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(0, backend.Requests);
        Assert.Equal(1, proxy.Pools.Find("app")!.FindServer("a")!.Failures);
    }

    [Fact]
    public async Task Forward_VerifyFalse_SelfSignedServerServed()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await HttpsBackendAsync(certs, "a");
        await using var proxy = await ProxyHarness.StartAsync(Config(backend, new UpstreamTlsConfig { Verify = false }));

        Assert.Equal("a", await proxy.Client.GetStringAsync(new Uri("/", UriKind.Relative)));
    }

    [Fact]
    public async Task HealthCheck_HttpsServer_ProbedWithPoolTls()
    {
        using var certs = TestCertificates.Create();
        await using var backend = await HttpsBackendAsync(certs, "a");
        var health = new HealthConfig { Path = "/healthz", Interval = TimeSpan.FromMilliseconds(100), Rise = 1, Fall = 1 };
        var config = TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [backend.ServerConfig()],
            p => p with { Tls = new UpstreamTlsConfig { Ca = certs.WriteCaPem() }, Health = health });
        await using var proxy = await ProxyHarness.StartAsync(config);

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(backend.Requests >= 2), TimeSpan.FromSeconds(10)));
        Assert.Equal("up", proxy.Pools.Find("app")!.FindServer("a")!.Health.ToString().ToLowerInvariant());
    }
}
