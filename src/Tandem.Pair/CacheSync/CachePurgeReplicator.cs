using System.Collections.Concurrent;
using Tandem.Core.Runtime;
using Tandem.Pair.Replication;
using Tandem.Pair.Transport;

namespace Tandem.Pair.CacheSync;

/// <summary>
/// Cache purges for a pair without a shared tier (with one, the tier tells the other node itself): an operator's purge
/// on this node is sent to the peer, which drops the same objects from its memory. Purges made while the peer is away
/// wait (at most <see cref="Backlog"/>, the oldest dropped first) and go when it answers again; a peer that restarted
/// has an empty cache and needs none of them.
/// Concurrency: the admin API's threads queue; one loop sends; the channel's handler applies the peer's.
/// </summary>
internal sealed class CachePurgeReplicator(PairContext pair, IPairPeer peer, CachePurges purges) : IPairReplicator
{
    /// <summary>Purges kept while the peer cannot take them.</summary>
    public const int Backlog = 1000;

    private readonly ConcurrentQueue<CachePurgeOrder> _pending = new();
    private readonly Wakeup _wakeup = new();

    public void Map(PairRoutes routes) =>
        routes.Map(PairPaths.CachePurge, PairJsonContext.Default.CachePurgeMessage, PairJsonContext.Default.CachePurgeReply,
            (message, sender, _) =>
            {
                peer.Heard(sender);
                var removed = ScopeOf(message.Scope) is { } scope ? purges.ApplyLocal?.Invoke(new CachePurgeOrder(scope, message.Selector)) ?? 0 : 0;
                return ValueTask.FromResult(new CachePurgeReply(removed));
            });

    public async Task RunAsync(CancellationToken stopping)
    {
        purges.Made += Queue;
        try
        {
            while (true)
            {
                await _wakeup.WaitAsync(stopping);
                await SendAsync(stopping);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            purges.Made -= Queue;
        }
    }

    public void OnPeerFound() => _wakeup.Set();

    public void OnPeerHeartbeat(HeartbeatMessage heartbeat, bool restarted)
    {
        if (restarted)
        {
            _pending.Clear();
        }
    }

    private void Queue(CachePurgeOrder order)
    {
        _pending.Enqueue(order);
        while (_pending.Count > Backlog && _pending.TryDequeue(out _))
        {
        }
        _wakeup.Set();
    }

    private async Task SendAsync(CancellationToken stopping)
    {
        while (peer.Alive && _pending.TryPeek(out var order))
        {
            var reply = await pair.Channel.TrySendAsync(PairPaths.CachePurge, new CachePurgeMessage(order.Scope.ToString().ToLowerInvariant(), order.Selector),
                PairJsonContext.Default.CachePurgeMessage, PairJsonContext.Default.CachePurgeReply, stopping);
            if (reply is null)
            {
                return; // sent again when the peer is found
            }
            _pending.TryDequeue(out _);
        }
    }

    private static CachePurgeScope? ScopeOf(string scope) => scope switch
    {
        "url" => CachePurgeScope.Url,
        "prefix" => CachePurgeScope.Prefix,
        "tag" => CachePurgeScope.Tag,
        _ => null,
    };
}
