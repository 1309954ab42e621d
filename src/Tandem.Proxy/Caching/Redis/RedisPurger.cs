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
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica))
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
