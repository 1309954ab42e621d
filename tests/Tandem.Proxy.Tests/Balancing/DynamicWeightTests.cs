using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Balancing;

/// <summary><c>dynamic-weighted</c> with load agents: servers report their load on <c>/load</c>.</summary>
public sealed class DynamicWeightTests
{
    [Fact]
    public async Task DynamicWeighted_AgentReportsLoad_BusyServerGetsLowerWeight()
    {
        await using var busy = await TestBackend.StartAsync("busy");
        await using var idle = await TestBackend.StartAsync("idle");
        busy.LoadReport = "80";
        idle.LoadReport = "5%";
        var agent = new AgentConfig { Path = "/load", Interval = TimeSpan.FromMilliseconds(200) };
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.DynamicWeighted,
            [busy.ServerConfig(weight: 10), idle.ServerConfig(weight: 10)], pool => pool with { Agent = agent }));
        var pool = proxy.Pools.Find("app")!;

        // Weights move half way per 1 s tick towards 10 x 0.2 = 2 and 10 x 0.95 = 9.5.
        Assert.True(await TestHttp.WaitUntilAsync(
            () => Task.FromResult(pool.FindServer("busy")!.EffectiveWeight <= 3 && pool.FindServer("idle")!.EffectiveWeight >= 9),
            TimeSpan.FromSeconds(10)), $"busy {pool.FindServer("busy")!.EffectiveWeight}, idle {pool.FindServer("idle")!.EffectiveWeight}; " + string.Join(" / ", proxy.Logs.Messages()));

        busy.LoadReport = "weight=10";
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(pool.FindServer("busy")!.EffectiveWeight >= 9),
            TimeSpan.FromSeconds(10)), $"busy {pool.FindServer("busy")!.EffectiveWeight}");
    }

    [Fact]
    public async Task DynamicWeighted_AgentAnswersGarbage_WeightsStayAtConfigured()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        a.LoadReport = "lots";
        var agent = new AgentConfig { Path = "/load", Interval = TimeSpan.FromMilliseconds(200) };
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.DynamicWeighted,
            [a.ServerConfig(weight: 4), b.ServerConfig(weight: 4)], pool => pool with { Agent = agent }));

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(proxy.Logs.Messages().Any(m => m.Contains("Load agent of server a", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(5)));
        Assert.Equal(4, proxy.Pools.Find("app")!.FindServer("a")!.EffectiveWeight);
    }
}
