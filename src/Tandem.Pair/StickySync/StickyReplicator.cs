using Tandem.Core.Pools;
using Tandem.Pair.Replication;
using Tandem.Pair.Transport;

namespace Tandem.Pair.StickySync;

/// <summary>
/// Sticky clients shared with the peer (pools with <c>sticky: {mode: table}</c>), so a failover keeps every client on
/// its server. Every heartbeat interval, the clients each table learned or saw again since the last round go to the
/// peer in one message (at most <see cref="Batch"/>); a failed send puts them back. The peer merges them, the
/// later sighting winning. A returning node gets the whole tables with the snapshot. Nothing here is on the request path.
/// Concurrency: one send loop; the channel's handlers merge concurrently; the tables lock themselves.
/// </summary>
internal sealed class StickyReplicator : IPairReplicator, ISnapshotPart
{
    /// <summary>The most sticky clients in one message.</summary>
    internal const int Batch = 5000;

    /// <summary>The most sticky clients in a snapshot (about 75 bytes each as JSON, so at most about 8 MB).</summary>
    internal const int SnapshotLimit = 100_000;

    private readonly PairContext _pair;
    private readonly IPairPeer _peer;
    private readonly PoolRegistry _pools;

    public StickyReplicator(PairContext pair, IPairPeer peer, PoolRegistry pools)
    {
        _pair = pair;
        _peer = peer;
        _pools = pools;
    }

    public void Map(PairRoutes routes) =>
        routes.Map(PairPaths.Sticky, PairJsonContext.Default.StickyMessage, PairJsonContext.Default.StickyReply,
            (message, sender, _) =>
            {
                _peer.Heard(sender);
                return ValueTask.FromResult(new StickyReply(Merge(message.Items)));
            });

    // While the peer is away, changes stay queued in the tables (bounded); it pulls the whole tables when it is back.
    public Task RunAsync(CancellationToken stopping) => EveryHeartbeat.RunAsync(_pair.Heartbeat, _pair.Time, _peer, SendAsync, stopping);

    /// <summary>Sends what the tables learned since the last round; puts it back when the peer did not take it.</summary>
    internal async Task SendAsync(CancellationToken stopping)
    {
        var items = new List<StickyItem>();
        var taken = new List<(StickyTable Table, List<StickyRecord> Records)>();
        foreach (var pool in _pools.Pools.Values)
        {
            if (pool.StickyTable is not { } table || items.Count >= Batch)
            {
                continue;
            }
            var records = table.TakeChanges(Batch - items.Count);
            if (records.Count == 0)
            {
                continue;
            }
            taken.Add((table, records));
            foreach (var record in records)
            {
                items.Add(new StickyItem(pool.Name, record.Key, record.Server, record.LastSeen));
            }
        }
        if (items.Count == 0)
        {
            return;
        }
        var reply = await _pair.Channel.TrySendAsync(PairPaths.Sticky, new StickyMessage(_pair.Channel.Node, items), PairJsonContext.Default.StickyMessage,
            PairJsonContext.Default.StickyReply, stopping);
        if (reply is null)
        {
            foreach (var (table, records) in taken)
            {
                table.Requeue(records);
            }
        }
    }

    public SnapshotMessage AddTo(SnapshotMessage snapshot) => snapshot with { Sticky = Snapshot() };

    public Task TakeAsync(SnapshotMessage snapshot, string peer, bool firstSync, CancellationToken cancellationToken)
    {
        if (snapshot.Sticky is { } sticky)
        {
            Merge(sticky);
        }
        return Task.CompletedTask;
    }

    /// <summary>Every pool's sticky clients, up to <see cref="SnapshotLimit"/> in all; null when no pool keeps a table.</summary>
    private List<StickyItem>? Snapshot()
    {
        List<StickyItem>? items = null;
        foreach (var pool in _pools.Pools.Values)
        {
            if (pool.StickyTable is not { } table)
            {
                continue;
            }
            items ??= [];
            foreach (var record in table.Snapshot(SnapshotLimit - items.Count))
            {
                items.Add(new StickyItem(pool.Name, record.Key, record.Server, record.LastSeen));
            }
        }
        return items;
    }

    /// <summary>Merges the peer's sticky clients into the tables of the pools this node runs; returns how many changed.</summary>
    private int Merge(IReadOnlyList<StickyItem> items)
    {
        var now = _pair.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var applied = 0;
        foreach (var group in GroupByPool(items))
        {
            if (_pools.Find(group.Key)?.StickyTable is { } table)
            {
                applied += table.Merge(group.Value, now);
            }
        }
        return applied;
    }

    private static Dictionary<string, List<StickyRecord>> GroupByPool(IReadOnlyList<StickyItem> items)
    {
        var byPool = new Dictionary<string, List<StickyRecord>>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (!byPool.TryGetValue(item.Pool, out var records))
            {
                records = [];
                byPool[item.Pool] = records;
            }
            records.Add(new StickyRecord(item.Key, item.Server, item.LastSeen));
        }
        return byPool;
    }
}
