using Prometheus;
using Tandem.Core.Pools;

namespace Tandem.Observability.Resources;

/// <summary>
/// <c>tandem_server_agent_load_percent</c>: the load a server's agent last reported (dynamic-weighted pools with an
/// agent), refreshed before every scrape; a server without a fresh report has no series.
/// </summary>
public static class AgentLoadMetrics
{
    public static void Export(CollectorRegistry registry, PoolRegistry pools)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(pools);
        var gauge = Prometheus.Metrics.WithCustomRegistry(registry).CreateGauge("tandem_server_agent_load_percent",
            "The load percent a server's agent last reported (fresh reports only).", ["pool", "server"]);
        var exported = new HashSet<(string, string)>();
        var gate = new Lock();
        registry.AddBeforeCollectCallback(() =>
        {
            lock (gate)
            {
                var now = new HashSet<(string, string)>();
                foreach (var pool in pools.Pools.Values)
                {
                    foreach (var server in pool.Servers)
                    {
                        if (server.AgentLoadPercent is { } load)
                        {
                            gauge.WithLabels(pool.Name, server.Name).Set(load);
                            now.Add((pool.Name, server.Name));
                        }
                    }
                }
                foreach (var (pool, server) in exported)
                {
                    if (!now.Contains((pool, server)))
                    {
                        gauge.RemoveLabelled(pool, server);
                    }
                }
                exported.Clear();
                exported.UnionWith(now);
            }
        });
    }
}
