using Tandem.Core.Pools;
using Tandem.Observability.Metrics;
using Tandem.Observability.Resources;
using Tandem.Observability.Tests.Support;

namespace Tandem.Observability.Tests.Alerts;

public sealed class AgentLoadMetricsTests
{
    [Fact]
    public async Task Export_FreshReport_GaugeThenGoneWhenStale()
    {
        var metrics = new TandemMetrics();
        var pools = new PoolRegistry(metrics);
        pools.Apply(AdminHarness.DefaultConfig().Pools);
        AgentLoadMetrics.Export(metrics.Registry, pools);
        var b = pools.Find("app")!.FindServer("b")!;

        b.ReportAgentLoad(42.5);
        var samples = await Scrape.SamplesAsync(metrics.Registry);
        Assert.Equal(42.5, samples["tandem_server_agent_load_percent{pool=\"app\",server=\"b\"}"]);
        Assert.DoesNotContain("tandem_server_agent_load_percent{pool=\"app\",server=\"a\"}", samples.Keys);

        b.ReportAgentLoad(null);
        samples = await Scrape.SamplesAsync(metrics.Registry);
        Assert.DoesNotContain("tandem_server_agent_load_percent{pool=\"app\",server=\"b\"}", samples.Keys);
        metrics.Live.Dispose();
    }
}
