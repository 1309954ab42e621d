using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Observability.Admin;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Health;

/// <summary>Active checks against real servers on loopback, through the real runtime.</summary>
public sealed class ActiveHealthTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(100);

    /// <summary>A probe timeout for tests that are not about timeouts: a loaded 2-core machine can take a second to answer.</summary>
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Probe_HealthzTurns503_DownAfterFallNoTrafficThenUpAfterRise()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await StartAsync([a.ServerConfig(), b.ServerConfig()], new HealthConfig { Path = "/healthz", Interval = Fast, Rise = 2, Fall = 2, Timeout = Generous });
        var server = proxy.Pools.Find("app")!.FindServer("b")!;
        using var client = TestHttp.Client();

        b.HealthStatusCode = 503;
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(server.Health == HealthStatus.Down), TimeSpan.FromSeconds(5)));
        var requestsWhenDown = b.Requests;
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("a", await client.GetStringAsync(proxy.BaseAddress));
        }
        Assert.Equal("2 probes failed in a row (last: status 503, expected 200-399)", server.LastChange!.Reason);
        Assert.False(server.LastProbe!.Passed);
        // Probes are not traffic: only health checks reached b while it was down.
        Assert.Equal(0, server.Requests);

        b.HealthStatusCode = 200;
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(server.Health == HealthStatus.Up), TimeSpan.FromSeconds(5)));
        Assert.StartsWith("2 probes passed in a row (last: status 200 in ", server.LastChange!.Reason, StringComparison.Ordinal);
        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await client.GetStringAsync(proxy.BaseAddress));
        }
        Assert.Contains("b", answers);
        Assert.True(b.Requests > requestsWhenDown);

        var view = ServerView.From(server);
        Assert.Equal("up", view.LastChange!.State);
        Assert.True(view.LastProbe!.Passed);
        Assert.Contains(proxy.Logs.Messages(), m => m == "app/b is now down: 2 probes failed in a row (last: status 503, expected 200-399)");
        var metrics = await proxy.ScrapeTextAsync();
        Assert.Contains("tandem_server_health_changes_total{pool=\"app\",server=\"b\",state=\"down\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("tandem_server_health_changes_total{pool=\"app\",server=\"b\",state=\"up\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_ExpectBodyMissing_Down()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await StartAsync([a.ServerConfig()], new HealthConfig { Path = "/healthz", ExpectBody = "ready", Interval = Fast, Fall = 1, Timeout = Generous });
        var server = proxy.Pools.Find("app")!.FindServer("a")!;

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(server.Health == HealthStatus.Down), TimeSpan.FromSeconds(5)));

        Assert.Equal("probe failed: status 200 but the body lacks 'ready'", server.LastChange!.Reason);
    }

    [Fact]
    public async Task Probe_TcpCheckServerStopped_Down()
    {
        var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await StartAsync([a.ServerConfig(), b.ServerConfig()], new HealthConfig { Interval = Fast, Fall = 2, Timeout = Generous });
        var server = proxy.Pools.Find("app")!.FindServer("a")!;
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(server.LastProbe is { Passed: true }), TimeSpan.FromSeconds(5)));
        Assert.StartsWith("connected in ", server.LastProbe!.Detail, StringComparison.Ordinal);

        await a.DisposeAsync();

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(server.Health == HealthStatus.Down), TimeSpan.FromSeconds(5)));
        Assert.StartsWith("2 probes failed in a row (last: Connection refused", server.LastChange!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_HungServer_DownByTimeout()
    {
        await using var hung = new HungServer();
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await StartAsync([hung.ServerConfig(), a.ServerConfig()],
            new HealthConfig { Path = "/healthz", Interval = Fast, Timeout = TimeSpan.FromMilliseconds(200), Fall = 2 });
        var server = proxy.Pools.Find("app")!.FindServer("hung")!;

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(server.Health == HealthStatus.Down), TimeSpan.FromSeconds(5)));

        Assert.Equal("2 probes failed in a row (last: timed out after 200 ms)", server.LastChange!.Reason);
    }

    [Fact]
    public async Task Probe_BothPrimariesDie_BackupTakesOverAndHandsBack()
    {
        var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var spare = await TestBackend.StartAsync("spare");
        await using var proxy = await StartAsync([a.ServerConfig(), b.ServerConfig(), spare.ServerConfig() with { Backup = true }],
            new HealthConfig { Path = "/healthz", Interval = Fast, Rise = 1, Fall = 1, Timeout = Generous });
        var pool = proxy.Pools.Find("app")!;
        using var client = TestHttp.Client();
        Assert.DoesNotContain("spare", await AnswersAsync(client, proxy, 6));

        await a.DisposeAsync();
        b.HealthStatusCode = 503;
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(!pool.Servers[0].IsUsable && !pool.Servers[1].IsUsable), TimeSpan.FromSeconds(5)));
        Assert.Equal(["spare", "spare", "spare", "spare"], await AnswersAsync(client, proxy, 4));

        b.HealthStatusCode = 200;
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(pool.FindServer("b")!.Health == HealthStatus.Up), TimeSpan.FromSeconds(5)));
        Assert.Equal(["b", "b", "b", "b"], await AnswersAsync(client, proxy, 4));
    }

    private static Task<ProxyHarness> StartAsync(ServerConfig[] servers, HealthConfig health) =>
        ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, servers, p => p with { Health = health }));

    private static async Task<List<string>> AnswersAsync(HttpClient client, ProxyHarness proxy, int count)
    {
        var answers = new List<string>();
        for (var i = 0; i < count; i++)
        {
            answers.Add(await client.GetStringAsync(proxy.BaseAddress));
        }
        return answers;
    }
}
