using System.Net;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Forwarding;

public sealed class ErrorTests
{
    [Fact]
    public async Task Forward_ServerRefusesConnection_502WithBodyAndLogLineNamingServer()
    {
        var dead = TestConfig.DeadServer("down1");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, dead));
        using var client = TestHttp.Client();

        using var response = await client.GetAsync(new Uri(proxy.BaseAddress, "/cart"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("502 Bad Gateway: the server failed to answer.\n", await response.Content.ReadAsStringAsync());
        var line = Assert.Single(proxy.Logs.Messages(Microsoft.Extensions.Logging.LogLevel.Warning), m => m.Contains("down1", StringComparison.Ordinal));
        Assert.StartsWith($"app/down1 ({dead.Address}) GET /cart: connect failed: ", line, StringComparison.Ordinal);
        Assert.EndsWith("; answered 502 (0 similar lines suppressed)", line, StringComparison.Ordinal);
        Assert.Equal(1, proxy.Pools.Find("app")!.FindServer("down1")!.Failures);
    }

    [Fact]
    public async Task Forward_ServerSlowerThanResponseTimeout_504()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig()],
            p => p with { Timeouts = new PoolTimeouts { Response = TimeSpan.FromMilliseconds(300) } }));
        using var client = TestHttp.Client();

        using var response = await client.GetAsync(new Uri(proxy.BaseAddress, "/delay/5000"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("504 Gateway Timeout: the server did not answer in time.\n", await response.Content.ReadAsStringAsync());
        Assert.Contains(proxy.Logs.Messages(), m => m.StartsWith("app/a (", StringComparison.Ordinal) && m.Contains("timed out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Forward_TimeoutWhileTandemRanLate_RetriedOnTheLoneServerAndNotCountedAgainstIt()
    {
        await using var a = await TestBackend.StartAsync("a");
        var asked = 0;
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig()],
            p => p with { Timeouts = new PoolTimeouts { Response = TimeSpan.FromMilliseconds(300) } }),
            ranLateSince: _ => Interlocked.Increment(ref asked) > 0);
        using var client = TestHttp.Client();

        using var response = await client.GetAsync(new Uri(proxy.BaseAddress, "/delay/5000"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        // The lone server was given the retries the policy allows (each attempt timed out too).
        Assert.True(Volatile.Read(ref asked) >= 2, $"asked {asked}");
        Assert.Equal(Volatile.Read(ref asked), a.Requests);
        var server = proxy.Pools.Find("app")!.FindServer("a")!;
        Assert.Equal(0, server.Failures);
        var line = Assert.Single(proxy.Logs.Messages(Microsoft.Extensions.Logging.LogLevel.Warning),
            m => m.StartsWith("app/a (", StringComparison.Ordinal) && m.Contains("answered 504", StringComparison.Ordinal));
        Assert.Contains("timed out", line, StringComparison.Ordinal);
        Assert.Contains("(Tandem itself was running late: not counted against the server)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_ServerRefusedWhileTandemRanLate_StillCounted()
    {
        // Only a timeout can be Tandem's lateness; a refused connection is the server's answer.
        var dead = TestConfig.DeadServer("down1");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, dead), ranLateSince: _ => true);
        using var client = TestHttp.Client();

        using var response = await client.GetAsync(new Uri(proxy.BaseAddress, "/cart"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(1, proxy.Pools.Find("app")!.FindServer("down1")!.Failures);
    }

    [Fact]
    public async Task Forward_AllServersDrained_503WithBody()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig()));
        var pool = proxy.Pools.Find("app")!;
        pool.SetAdminState(pool.FindServer("a")!, AdminState.Draining);
        using var client = TestHttp.Client();

        using var response = await client.GetAsync(proxy.BaseAddress);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("503 Service Unavailable: no server is available.\n", await response.Content.ReadAsStringAsync());
        Assert.Contains(proxy.Logs.Messages(), m => m.StartsWith("Pool app has no usable server; answered 503 to GET /", StringComparison.Ordinal));
        Assert.Equal(0, a.Requests);
    }

    [Fact]
    public async Task Forward_ServerResetsConnection_502AndCountsFailure()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig()));
        using var client = TestHttp.Client();

        using var response = await client.GetAsync(new Uri(proxy.BaseAddress, "/reset"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(1, proxy.Pools.Find("app")!.FindServer("a")!.Failures);
    }

    [Fact]
    public async Task Forward_ClientGivesUp_NotCountedAgainstServer()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig()));
        using var client = TestHttp.Client();
        var server = proxy.Pools.Find("app")!.FindServer("a")!;
        using var giveUp = new CancellationTokenSource();

        // The client gives up once the server is working on the request (not on a timer, which a slow start could beat).
        var call = client.GetAsync(new Uri(proxy.BaseAddress, "/delay/5000"), giveUp.Token);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(a.Requests == 1), TimeSpan.FromSeconds(5)));
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => call);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(server.InFlight == 0), TimeSpan.FromSeconds(5)));

        Assert.Equal(1, server.Requests);
        Assert.Equal(0, server.Failures);
    }
}
