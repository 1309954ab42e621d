using StackExchange.Redis;

namespace Tandem.Proxy.Caching.Redis;

/// <summary>
/// Removes from Redis what a purge selects and counts the values removed. A cluster's keys are deleted one per command
/// (pipelined): keys of one batch lie in different slots, and a multi-key DEL across slots is refused. A prefix is a
/// SCAN with MATCH on every master, in pages of the batch size, never KEYS.
/// </summary>
/// <remarks>Concurrency: stateless; any thread. Every wait is bounded by the token (the purge's deadline).</remarks>
internal sealed class RedisPurger(RedisCacheKeys keys, int batchSize)
{
    private readonly int _batchSize = Math.Max(1, batchSize);

    public Task<long> PurgeAsync(IConnectionMultiplexer redis, CachePurge purge, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var cluster = redis.GetServers().Any(s => s.ServerType == ServerType.Cluster);
        return purge.Kind switch
        {
            CachePurgeKind.Key => SetAndMembersAsync(database, cluster, keys.Variants(purge.Value), keys.Value(purge.Value), cancellationToken),
            CachePurgeKind.Tag => SetAndMembersAsync(database, cluster, keys.Tag(purge.Value), null, cancellationToken),
            CachePurgeKind.Prefix => PrefixAsync(redis, database, cluster, purge.Value, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(purge), purge.Kind, null),
        };
    }

    /// <summary>Deletes the values named by the members of <paramref name="set"/> (and <paramref name="first"/>), then the set.</summary>
    private async Task<long> SetAndMembersAsync(IDatabase database, bool cluster, RedisKey set, RedisKey? first, CancellationToken cancellationToken)
    {
        var batch = new List<RedisKey>(_batchSize);
        if (first is { } key)
        {
            batch.Add(key);
        }
        long removed = 0;
        await foreach (var member in database.SetScanAsync(set, pageSize: _batchSize).WithCancellation(cancellationToken))
        {
            batch.Add(keys.Value(member.ToString()));
            if (batch.Count >= _batchSize)
            {
                removed += await DeleteAsync(database, cluster, batch, cancellationToken);
            }
        }
        removed += await DeleteAsync(database, cluster, batch, cancellationToken);
        await RedisTasks.Bounded(database.KeyDeleteAsync(set), cancellationToken);
        return removed;
    }

    private async Task<long> PrefixAsync(IConnectionMultiplexer redis, IDatabase database, bool cluster, string prefix, CancellationToken cancellationToken)
    {
        var pattern = keys.ValuePattern(prefix);
        var batch = new List<RedisKey>(_batchSize);
        long removed = 0;
        foreach (var server in Masters(redis, cluster))
        {
            await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: _batchSize).WithCancellation(cancellationToken))
            {
                batch.Add(key);
                if (batch.Count >= _batchSize)
                {
                    removed += await DeleteAsync(database, cluster, batch, cancellationToken);
                }
            }
            removed += await DeleteAsync(database, cluster, batch, cancellationToken);
        }
        return removed;
    }

    /// <summary>
    /// The servers whose keys a prefix purge scans: standalone, every master the client knows; in a cluster, the masters
    /// that own slots in the cluster's own view, so a seed endpoint whose node left the cluster (a replaced master) is
    /// not scanned (and cannot fail every purge), while a slot owner that is down still fails it (it is kept for later).
    /// </summary>
    private static List<IServer> Masters(IConnectionMultiplexer redis, bool cluster)
    {
        var servers = redis.GetServers();
        var masters = new List<IServer>(servers.Length);
        ClusterConfiguration? view = null;
        if (cluster)
        {
            foreach (var server in servers)
            {
                if (server.IsConnected && server.ServerType == ServerType.Cluster && server.ClusterConfiguration is { } configuration)
                {
                    view = configuration;
                    break;
                }
            }
        }
        if (view is null)
        {
            foreach (var server in servers)
            {
                if (!server.IsReplica)
                {
                    masters.Add(server);
                }
            }
            return masters;
        }
        foreach (var node in view.Nodes)
        {
            if (!node.IsReplica && node.Slots.Count > 0 && node.EndPoint is { } endpoint)
            {
                masters.Add(redis.GetServer(endpoint));
            }
        }
        return masters;
    }

    /// <summary>Deletes the batch and empties it; returns how many existed.</summary>
    private static async Task<long> DeleteAsync(IDatabase database, bool cluster, List<RedisKey> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return 0;
        }
        long removed;
        if (!cluster)
        {
            removed = await RedisTasks.Bounded(database.KeyDeleteAsync(batch.ToArray()), cancellationToken);
        }
        else
        {
            var deletes = new Task<bool>[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                deletes[i] = database.KeyDeleteAsync(batch[i]);
            }
            removed = (await RedisTasks.Bounded(Task.WhenAll(deletes), cancellationToken)).Count(deleted => deleted);
        }
        batch.Clear();
        return removed;
    }
}
