using System.Net;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Selection;

/// <summary>The pool's queue length is readable on <c>PoolState.Queued</c> (alert rules: <c>queue &gt; N</c>).</summary>
public sealed class QueuedCountTests
{
    [Fact]
    public async Task Queued_RequestsWaitingForAFullServer_CountedThenZero()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin,
            [a.ServerConfig() with { MaxConnections = 1 }], p => p with { Queue = new QueueConfig { Size = 10, Timeout = TimeSpan.FromSeconds(10) } }));
        var pool = proxy.Pools.Find("app")!;
        using var client = TestHttp.Client();

        var requests = Enumerable.Range(0, 3).Select(_ => client.GetAsync(new Uri(proxy.BaseAddress, "/delay/1500"))).ToList();
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(pool.Queued == 2), TimeSpan.FromSeconds(5)), $"queued {pool.Queued}");

        foreach (var request in requests)
        {
            using var response = await request;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(0, pool.Queued);
    }
}
