using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Balancing;

/// <summary>The last fresh agent report is on the server's state, for alert rules (<c>server-cpu</c>) and the dashboard.</summary>
public sealed class AgentLoadTests
{
    [Fact]
    public async Task AgentLoadPercent_AgentReportsLoad_OnServerStateThenNullForWeightReports()
    {
        await using var a = await TestBackend.StartAsync("a");
        a.LoadReport = "85%";
        var agent = new AgentConfig { Path = "/load", Interval = TimeSpan.FromMilliseconds(200) };
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.DynamicWeighted,
            [a.ServerConfig(weight: 10)], pool => pool with { Agent = agent }));
        var server = proxy.Pools.Find("app")!.FindServer("a")!;

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(server.AgentLoadPercent == 85), TimeSpan.FromSeconds(10)),
            $"agent load {server.AgentLoadPercent}");

        a.LoadReport = "weight=3";
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(server.AgentLoadPercent is null), TimeSpan.FromSeconds(10)),
            $"agent load {server.AgentLoadPercent}");
    }
}
