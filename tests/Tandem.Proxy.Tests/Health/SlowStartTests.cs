using Tandem.Core.Balancing;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Health;

public sealed class SlowStartTests
{
    [Fact]
    public async Task Reload_ServerAddedWithSlowStart_SmallShareFirstThenFull()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        var window = TimeSpan.FromSeconds(3);
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig(weight: 10)],
            p => p with { SlowStart = window }));
        // Servers present at start ramp too; let a finish its ramp first.
        var first = proxy.Pools.Find("app")!.FindServer("a")!;
        Assert.True(await TestHttp.WaitUntilAsync(
            () => Task.FromResult(TimeProvider.System.GetElapsedTime(first.UsableSince) > window && first.DynamicWeight == 0), TimeSpan.FromSeconds(6)));

        await proxy.Runtime.ApplyAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig(weight: 10), b.ServerConfig(weight: 10)],
            p => p with { SlowStart = window }), CancellationToken.None);
        var server = proxy.Pools.Find("app")!.FindServer("b")!;

        // The weight loop ticks every 500 ms; from the first tick on, b ramps from 10% of its weight.
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(server.EffectiveWeight < 10), TimeSpan.FromSeconds(2)));
        var early = await ShareOfBAsync(proxy);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(server.EffectiveWeight == 10), TimeSpan.FromSeconds(6)));
        var late = await ShareOfBAsync(proxy);

        Assert.True(early < 0.4, $"early share {early}; b {server.EffectiveWeight} a {proxy.Pools.Find("app")!.FindServer("a")!.EffectiveWeight}; " + proxy.Pools.Find("app")!.Selector.Explain(default).Facts["period"]);
        Assert.InRange(late, 0.45, 0.55);
    }

    private static async Task<double> ShareOfBAsync(ProxyHarness proxy)
    {
        using var client = TestHttp.Client();
        var b = 0;
        const int Count = 40;
        for (var i = 0; i < Count; i++)
        {
            b += await client.GetStringAsync(proxy.BaseAddress) == "b" ? 1 : 0;
        }
        return b / (double)Count;
    }
}
