using System.Collections.Frozen;
using Tandem.Core.Balancing;
using Tandem.Core.Config;

namespace Tandem.Core.Pools;

/// <summary>
/// All pools of the running config. A reload builds new <see cref="PoolState"/>s but keeps each server's
/// <see cref="ServerState"/> (counters, drain, run-time weight) when a server of the same name and address remains.
/// Concurrency: <see cref="Pools"/> is an immutable snapshot read lock-free; <see cref="Apply"/> is serialized.
/// </summary>
/// <param name="telemetry">Creates each server's telemetry.</param>
/// <param name="services">Clock and randomness for balancers and latency tracking; <see cref="BalancerServices.Default"/> when null.</param>
public sealed class PoolRegistry(IServerTelemetryFactory telemetry, BalancerServices? services = null)
{
    private readonly BalancerServices _services = services ?? BalancerServices.Default;
    private readonly Lock _applyGate = new();
    private volatile FrozenDictionary<string, PoolState> _pools = FrozenDictionary<string, PoolState>.Empty;

    /// <summary>The current pools by name.</summary>
    public FrozenDictionary<string, PoolState> Pools => _pools;

    public PoolState? Find(string name) => _pools.GetValueOrDefault(name);

    /// <summary>Replaces the pools with those of a validated config and returns the new snapshot.</summary>
    public FrozenDictionary<string, PoolState> Apply(IReadOnlyList<PoolConfig> pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        lock (_applyGate)
        {
            var old = _pools;
            var kept = new HashSet<ServerState>(ReferenceEqualityComparer.Instance);
            var next = new Dictionary<string, PoolState>(pools.Count, StringComparer.Ordinal);
            foreach (var poolConfig in pools)
            {
                old.TryGetValue(poolConfig.Name, out var previous);
                var servers = new List<ServerState>(poolConfig.Servers.Count);
                foreach (var serverConfig in poolConfig.Servers)
                {
                    var existing = previous?.FindServer(serverConfig.Name);
                    if (existing is not null && existing.Address == serverConfig.Address)
                    {
                        existing.UpdateConfig(serverConfig);
                        kept.Add(existing);
                        servers.Add(existing);
                    }
                    else
                    {
                        servers.Add(new ServerState(serverConfig, telemetry.Create(poolConfig.Name, serverConfig.Name), _services.Time));
                    }
                }
                var unrouted = previous?.Unrouted ?? telemetry.CreateUnrouted(poolConfig.Name);
                next[poolConfig.Name] = new PoolState(poolConfig, servers, unrouted, previous?.Sequence, _services,
                    StickyTableFor(poolConfig, previous?.StickyTable), previous?.Sticky);
            }

            _pools = next.ToFrozenDictionary(StringComparer.Ordinal);

            foreach (var pool in old.Values)
            {
                foreach (var server in pool.Servers)
                {
                    if (!kept.Contains(server))
                    {
                        server.Telemetry.Dispose();
                    }
                }
                if (!next.ContainsKey(pool.Name))
                {
                    pool.Unrouted.Dispose();
                }
            }
            return _pools;
        }
    }

    /// <summary>The pool's sticky table: the previous one when the key is the same (ttl and size follow the config), else a new one.</summary>
    private static StickyTable? StickyTableFor(PoolConfig config, StickyTable? previous)
    {
        if (config.Sticky is not { Mode: StickyMode.Table } sticky)
        {
            return null;
        }
        var key = sticky.Key ?? HashKey.ClientAddress;
        var ttl = sticky.Ttl ?? ConfigDefaults.StickyTtl;
        var size = sticky.Size ?? ConfigDefaults.StickySize;
        if (previous is not null && previous.Key == key)
        {
            previous.Ttl = ttl;
            previous.Size = size;
            return previous;
        }
        return new StickyTable(key, ttl, size);
    }
}
