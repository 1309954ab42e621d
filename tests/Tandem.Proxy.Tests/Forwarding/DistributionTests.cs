using Tandem.Core.Balancing;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Forwarding;

public sealed class DistributionTests
{
    [Fact]
    public async Task RoundRobin_TwoServers_Alternates()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig(), b.ServerConfig()));
        using var client = TestHttp.Client();

        var answers = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add(await client.GetStringAsync(proxy.BaseAddress));
        }

        for (var i = 1; i < answers.Count; i++)
        {
            Assert.NotEqual(answers[i - 1], answers[i]);
        }
        Assert.Equal(10, answers.Count(x => x == "a"));
    }

    [Fact]
    public async Task WeightedRoundRobin_Weights5And3_FollowsNginxSmoothOrder()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.WeightedRoundRobin, a.ServerConfig(5), b.ServerConfig(3)));
        using var client = TestHttp.Client();

        var answers = new List<string>();
        for (var i = 0; i < 16; i++)
        {
            answers.Add(await client.GetStringAsync(proxy.BaseAddress));
        }

        Assert.Equal("a,b,a,a,b,a,b,a,a,b,a,a,b,a,b,a", string.Join(",", answers));
    }

    [Fact]
    public async Task RoundRobin_ConcurrentClients_SplitsEvenlyAndCountsEveryRequest()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig(), b.ServerConfig()));
        using var client = TestHttp.Client();

        var workers = Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var i = 0; i < 50; i++)
            {
                using var response = await client.GetAsync(proxy.BaseAddress);
                response.EnsureSuccessStatusCode();
            }
        });
        await Task.WhenAll(workers);

        Assert.Equal(200, a.Requests);
        Assert.Equal(200, b.Requests);
        var pool = proxy.Pools.Find("app")!;
        Assert.Equal(200, pool.FindServer("a")!.Requests);
        Assert.Equal(0, pool.FindServer("a")!.InFlight);
        Assert.Equal(0, pool.FindServer("b")!.Failures);
    }
}
