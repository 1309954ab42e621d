using System.Net;
using System.Text;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Retries;

/// <summary>Retries on another server: when they happen, when they must not, and their budget.</summary>
public sealed class RetryTests
{
    [Fact]
    public async Task Forward_OneOfTwoServersKilledUnderLoad_NoFailedGet()
    {
        await using var a = await TestBackend.StartAsync("a");
        var b = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig(), b.ServerConfig()));
        using var client = TestHttp.Client(TimeSpan.FromSeconds(10));
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var served = 0;
        var statuses = new List<string>();

        var clients = new Task[4];
        for (var i = 0; i < clients.Length; i++)
        {
            clients[i] = Task.Run(async () =>
            {
                for (var n = 0; n < 5_000 && !stop.IsCancellationRequested; n++)
                {
                    using var response = await client.GetAsync(proxy.BaseAddress, CancellationToken.None);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failures);
                        var text = (int)response.StatusCode + " " + await response.Content.ReadAsStringAsync();
                        lock (statuses)
                        {
                            statuses.Add(text);
                        }
                    }
                    Interlocked.Increment(ref served);
                }
            });
        }
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref served) > 200), TimeSpan.FromSeconds(10)));
        await b.DisposeAsync();
        var atKill = Volatile.Read(ref served);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref served) > atKill + 400), TimeSpan.FromSeconds(10)));
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.True(failures == 0, string.Join(" | ", statuses.Distinct()) + " / " + string.Join(" / ", proxy.Logs.Messages().Where(m => m.Contains("app/", StringComparison.Ordinal)).Distinct().Take(6)));
        Assert.True(proxy.Pools.Find("app")!.FindServer("b")!.Failures > 0, "the dead server was tried and counted as failing");
    }

    [Fact]
    public async Task Forward_PostToDeadServer_RetriedElsewhereWithItsBody()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, TestConfig.DeadServer(), a.ServerConfig()));
        using var client = TestHttp.Client();

        for (var i = 0; i < 4; i++)
        {
            using var response = await client.PostAsync(new Uri(proxy.BaseAddress, "/echo"), new StringContent("payload-" + i, Encoding.UTF8));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("a:payload-" + i, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Forward_BodyOverRetryLimit_NotRetried()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin,
            [TestConfig.DeadServer(), a.ServerConfig()], p => p with { RetryBodyLimit = 1024, Passive = new PassiveHealthConfig { ConsecutiveFailures = 0 } }));
        using var client = TestHttp.Client();
        var statuses = new List<HttpStatusCode>();

        // Round robin: one of two requests starts on the dead server; a 2 KB body cannot be resent from there.
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.PostAsync(new Uri(proxy.BaseAddress, "/echo"), new ByteArrayContent(new byte[2048]));
            statuses.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.BadGateway, statuses);
        Assert.Contains(HttpStatusCode.OK, statuses);
    }

    [Fact]
    public async Task Forward_ServerResetsMidResponse_ClientSeesBrokenResponseAndNoDuplicate()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig(), b.ServerConfig()));
        using var client = TestHttp.Client();

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await client.GetAsync(new Uri(proxy.BaseAddress, "/partial"));
            await response.Content.ReadAsByteArrayAsync();
        });

        Assert.Equal(1, a.Requests + b.Requests);
    }

    [Fact]
    public async Task Forward_NonIdempotentFailingAfterSend_NotRetried()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig(), b.ServerConfig()));
        using var client = TestHttp.Client();

        using var response = await client.PostAsync(new Uri(proxy.BaseAddress, "/reset"), new StringContent("x"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(1, a.Requests + b.Requests);
    }

    [Fact]
    public async Task Forward_IdempotentGetResetBeforeResponse_RetriedOnTheOtherServer()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig(), b.ServerConfig()));
        using var client = TestHttp.Client();

        // /reset aborts on both servers, so the retry fails too: two attempts, then 502.
        using var response = await client.GetAsync(new Uri(proxy.BaseAddress, "/reset"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(1, a.Requests);
        Assert.Equal(1, b.Requests);
    }

    [Fact]
    public async Task Forward_HungServer_504AloneAndRetriedWithAnother()
    {
        await using var hung = new HungServer();
        await using var a = await TestBackend.StartAsync("a");
        // Long enough for server a to answer on a loaded 2-core machine: the timeout applies to the retry on a too.
        var timeouts = new PoolTimeouts { Response = TimeSpan.FromSeconds(2) };
        await using var alone = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [hung.ServerConfig()], p => p with { Timeouts = timeouts }));
        await using var paired = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [hung.ServerConfig(), a.ServerConfig()], p => p with { Timeouts = timeouts }));
        using var client = TestHttp.Client();

        using var timedOut = await client.GetAsync(alone.BaseAddress);
        var answers = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            answers.Add(await client.GetStringAsync(paired.BaseAddress));
        }

        Assert.Equal(HttpStatusCode.GatewayTimeout, timedOut.StatusCode);
        Assert.Equal("504 Gateway Timeout: the server did not answer in time.\n", await timedOut.Content.ReadAsStringAsync());
        Assert.Equal(["a", "a"], answers);
        // A retry's pick takes a turn of the rotation too, so the second request may start on the hung server again.
        Assert.InRange(paired.Pools.Find("app")!.FindServer("hung")!.Failures, 1, 2);
    }

    [Fact]
    public async Task Forward_ServerStallsMidBodyPastIdleTimeout_ResponseCutAndServerBlamed()
    {
        await using var a = await TestBackend.StartAsync("a");
        var timeouts = new PoolTimeouts { Idle = TimeSpan.FromSeconds(1), Response = TimeSpan.FromSeconds(1) };
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig()], p => p with { Timeouts = timeouts }));
        using var client = TestHttp.Client();

        // A pause shorter than the idle timeout is fine; a longer one cuts the response (it has started: no 504 possible).
        Assert.Equal("first,rest", await client.GetStringAsync(new Uri(proxy.BaseAddress, "/stall/200")));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<Exception>(() => client.GetStringAsync(new Uri(proxy.BaseAddress, "/stall/30000")));

        // Cut at the 1 s idle timeout, far before the 30 s stall ends (the bound is generous for a loaded machine).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"cut after {clock.Elapsed}");
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(proxy.Pools.Find("app")!.FindServer("a")!.Failures == 1), TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Forward_AllServersDead_RetriesBoundedByBudget()
    {
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin,
            [TestConfig.DeadServer("d1"), TestConfig.DeadServer("d2"), TestConfig.DeadServer("d3")], p => p with { Retries = 2 }));
        using var client = TestHttp.Client();
        const int Requests = 200;

        for (var i = 0; i < Requests; i++)
        {
            using var response = await client.GetAsync(proxy.BaseAddress);
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }

        var pool = proxy.Pools.Find("app")!;
        var attempts = pool.Servers.Sum(s => s.Requests);
        // Without a budget: 3 attempts each (600). With it: 200 + 20% + the burst of 10.
        Assert.InRange(attempts, Requests + 1, (Requests * 1.2) + 10);
    }

    [Fact]
    public async Task Forward_RetriesZero_NoRetry()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin,
            [TestConfig.DeadServer(), a.ServerConfig()], p => p with { Retries = 0 }));
        using var client = TestHttp.Client();

        using var first = await client.GetAsync(proxy.BaseAddress);

        Assert.Equal(HttpStatusCode.BadGateway, first.StatusCode);
    }
}
