using Tandem.Core.Pools;
using Tandem.Pair.Transport;

namespace Tandem.Pair;

/// <summary>
/// Sticky clients shared with the peer (pools with <c>sticky: {mode: table}</c>), so a failover keeps every client on
/// its server. Every heartbeat interval, the clients each table learned or saw again since the last round go to the
/// peer in one message (at most <see cref="StickyBatch"/>); a failed send puts them back. The peer merges them, the
/// later sighting winning. A returning node gets the whole tables with the snapshot. Nothing here is on the request path.
/// </summary>
public sealed partial class PairService
{
    /// <summary>The most sticky clients in one message.</summary>
    internal const int StickyBatch = 5000;

    /// <summary>The most sticky clients in a snapshot (about 75 bytes each as JSON, so at most about 8 MB).</summary>
    internal const int StickySnapshotLimit = 100_000;

    private async Task StickyLoopAsync()
    {
        using var timer = new PeriodicTimer(_heartbeat, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                // While the peer is away, changes stay queued (bounded); it pulls the whole tables when it is back.
                if (_tracker.Alive)
                {
                    await SendStickyAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SendStickyAsync()
    {
        var items = new List<StickyItem>();
        var taken = new List<(StickyTable Table, List<StickyRecord> Records)>();
        foreach (var pool in _pools.Pools.Values)
        {
            if (pool.StickyTable is not { } table || items.Count >= StickyBatch)
            {
                continue;
            }
            var records = table.TakeChanges(StickyBatch - items.Count);
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
        try
        {
            await _client.SendAsync(PairPaths.Sticky, new StickyMessage(_config.Node, items), PairJsonContext.Default.StickyMessage,
                PairJsonContext.Default.StickyReply, _stop.Token);
            Count(PairPaths.Sticky, "ok");
        }
        catch (PairSendException ex)
        {
            Count(PairPaths.Sticky, ex.Result);
            PairLog.SendFailed(_logger, "sticky", _config.Peer.ToString(), ex.Message);
            foreach (var (table, records) in taken)
            {
                table.Requeue(records);
            }
        }
    }

    /// <summary>Every pool's sticky clients, up to <see cref="StickySnapshotLimit"/> in all.</summary>
    private List<StickyItem>? StickySnapshot()
    {
        List<StickyItem>? items = null;
        foreach (var pool in _pools.Pools.Values)
        {
            if (pool.StickyTable is not { } table)
            {
                continue;
            }
            items ??= [];
            foreach (var record in table.Snapshot(StickySnapshotLimit - items.Count))
            {
                items.Add(new StickyItem(pool.Name, record.Key, record.Server, record.LastSeen));
            }
        }
        return items;
    }

    /// <summary>Merges the peer's sticky clients into the tables of the pools this node runs; returns how many changed.</summary>
    private int MergeSticky(IReadOnlyList<StickyItem> items)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
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
