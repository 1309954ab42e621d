using System.Diagnostics;
using System.Net;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Selection;

/// <summary>Per-server max-connections and the pool queue.</summary>
public sealed class QueueTests
{
    [Fact]
    public async Task Forward_ServerFull_RequestWaitsAndIsServedWhenRoomComes()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin,
            [a.ServerConfig() with { MaxConnections = 1 }], p => p with { Queue = new QueueConfig { Size = 10, Timeout = TimeSpan.FromSeconds(5) } }));
        using var client = TestHttp.Client();

        var first = client.GetAsync(new Uri(proxy.BaseAddress, "/delay/300"));
        var second = client.GetAsync(new Uri(proxy.BaseAddress, "/delay/300"));
        using var r1 = await first;
        using var r2 = await second;

        Assert.Equal(HttpStatusCode.OK, r1.StatusCode);
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        Assert.Equal(0, proxy.Pools.Find("app")!.FindServer("a")!.InFlight);
    }

    [Fact]
    public async Task Forward_QueueTimeout_503WithinTheTimeout()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin,
            [a.ServerConfig() with { MaxConnections = 1 }], p => p with { Queue = new QueueConfig { Size = 10, Timeout = TimeSpan.FromMilliseconds(300) } }));
        using var client = TestHttp.Client();
        // Busy for far longer than the queue timeout plus the bound below, so no room comes while the second one waits.
        var busy = client.GetAsync(new Uri(proxy.BaseAddress, "/delay/8000"));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(a.Requests == 1), TimeSpan.FromSeconds(5)));

        var clock = Stopwatch.StartNew();
        using var queued = await client.GetAsync(proxy.BaseAddress);
        var waited = clock.Elapsed;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, queued.StatusCode);
        Assert.InRange(waited, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.Contains(proxy.Logs.Messages(), m => m.StartsWith("Pool app: every usable server is at its max-connections and no room came within 300 ms", StringComparison.Ordinal));
        using var done = await busy;
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
    }

    [Fact]
    public async Task Forward_QueueFull_503AtOnce()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin,
            [a.ServerConfig() with { MaxConnections = 1 }], p => p with { Queue = new QueueConfig { Size = 1, Timeout = TimeSpan.FromSeconds(30) } }));
        using var client = TestHttp.Client();
        // Busy long past the bound below: a third request that queued instead of being refused would wait for it.
        var busy = client.GetAsync(new Uri(proxy.BaseAddress, "/delay/8000"));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(a.Requests == 1), TimeSpan.FromSeconds(5)));
        var waiting = client.GetAsync(new Uri(proxy.BaseAddress, "/delay/10"));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(proxy.Pools.Find("app")!.Queued == 1), TimeSpan.FromSeconds(5)));

        var clock = Stopwatch.StartNew();
        using var refused = await client.GetAsync(proxy.BaseAddress);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"refused after {clock.Elapsed}");
        using var w = await waiting;
        using var b = await busy;
        Assert.Equal(HttpStatusCode.OK, w.StatusCode);
    }

    [Fact]
    public async Task Forward_OneServerFull_GoesToTheOtherWithoutQueueing()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin,
            [a.ServerConfig() with { MaxConnections = 1 }, b.ServerConfig()]));
        using var client = TestHttp.Client();
        // Held long enough that a stays full while the four below run, even on a loaded machine (1 s was not).
        var busy = client.GetAsync(new Uri(proxy.BaseAddress, "/delay/6000"));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(a.Requests + b.Requests == 1), TimeSpan.FromSeconds(5)));
        var holder = a.Requests == 1 ? "a" : "b";

        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await client.GetStringAsync(proxy.BaseAddress));
        }

        if (holder == "a")
        {
            Assert.Equal(["b", "b", "b", "b"], answers);
        }
        using var done = await busy;
    }
}
