using Tandem.Core.Pools;

namespace Tandem.Observability.Admin;

/// <summary>A pool as <c>GET /api/pools</c> shows it.</summary>
public sealed record PoolView(string Name, string Algorithm, int UsableServers, IReadOnlyList<ServerView> Servers, StickyView? Sticky = null)
{
    public static PoolView From(PoolState pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var servers = new List<ServerView>(pool.Servers.Count);
        foreach (var server in pool.Servers)
        {
            servers.Add(ServerView.From(server));
        }
        return new PoolView(pool.Name, pool.Config.Algorithm, pool.UsableCount, servers, StickyView.From(pool));
    }
}

/// <summary>A server as the admin API shows it; field names are fixed by INTERFACE.md.</summary>
public sealed record ServerView(
    string Name,
    string Address,
    string State,
    int Weight,
    double EffectiveWeight,
    bool WeightOverridden,
    bool Backup,
    long ActiveConnections,
    long Requests,
    long Failures,
    HealthChange? LastChange,
    ProbeResult? LastProbe)
{
    public static ServerView From(ServerState server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new ServerView(server.Name, server.Address.ToString(), server.StateName, server.Weight, server.EffectiveWeight,
            server.HasWeightOverride, server.Config.Backup, server.InFlight, server.Requests, server.Failures, server.LastChange, server.LastProbe);
    }
}

/// <summary><c>GET /api/status</c>: what this node runs.</summary>
public sealed record StatusView(
    string Version,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    ConfigView? Config,
    ReloadView? LastReload,
    IReadOnlyList<ListenerView> Listeners,
    FeaturesView Features);

/// <summary>
/// Which optional sections the running config has, so the dashboard asks only for what exists (no 404s in the
/// browser) and shows the pair panel only with <c>pair</c>, the cache panel only when a route has <c>cache</c>.
/// </summary>
public sealed record FeaturesView(bool Pair, bool Forecast, bool Cache = false);

public sealed record ConfigView(string Source, string Version);

public sealed record ReloadView(DateTimeOffset At, string? Version, bool Applied, IReadOnlyList<string> Problems);

public sealed record ListenerView(string Name, string Pool, string Bound);

/// <summary>The body of every 4xx from the admin API.</summary>
public sealed record ErrorView(string Error);
