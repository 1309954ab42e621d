using Tandem.Core.Runtime;
using Tandem.Pair.Replication;
using Tandem.Pair.Transport;

namespace Tandem.Pair.RateLimitSync;

/// <summary>
/// Rate limits summed over the pair: every <c>pair.rate-limit-sync</c> (100 ms), the tokens this node's buckets spent
/// since the last round go to the peer (at most <c>rate-limit-keys</c> keys, the busiest first), and the peer charges
/// them to its own buckets of the same policy and key; the peer does the same the other way. A client that alternates
/// between the nodes then spends one budget, not two, give or take what one interval lets through.
/// <para>
/// Best effort, like the sticky clients: a round the peer did not take is not sent again (the budget errs towards
/// the client for that interval). A peer of a build without this message answers 404: after
/// <see cref="FailuresBeforePause"/> failed rounds in a row the replicator pauses for <see cref="Pause"/>, so an older
/// peer costs a message every few seconds, not ten a second. Nothing here is on the request path.
/// </para>
/// Concurrency: one send loop; the channel's handler charges concurrently (the buckets are thread-safe).
/// </summary>
internal sealed class RateLimitReplicator(PairContext pair, IPairPeer peer, IRateLimitLedger ledger, TimeSpan interval, int maxKeys) : IPairReplicator
{
    /// <summary>The message's format; a receiver ignores a version it does not know.</summary>
    internal const int Version = 1;

    internal const int FailuresBeforePause = 3;

    internal static readonly TimeSpan Pause = TimeSpan.FromSeconds(5);

    private int _failures;
    private long _pausedUntil = long.MinValue;

    public void Map(PairRoutes routes) =>
        routes.Map(PairPaths.RateLimits, PairJsonContext.Default.RateLimitMessage, PairJsonContext.Default.RateLimitReply,
            (message, sender, _) =>
            {
                peer.Heard(sender);
                return ValueTask.FromResult(new RateLimitReply(message.Version == Version ? ledger.Charge(ToSpends(message.Items)) : 0));
            });

    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(interval, pair.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                await SendAsync(stopping);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Takes what the buckets spent (always, so nothing piles up while the peer is away) and sends it when the peer answers.</summary>
    internal async Task SendAsync(CancellationToken stopping)
    {
        var spent = ledger.TakeSpent(maxKeys);
        if (spent.Count == 0 || !peer.Alive || pair.Time.GetTimestamp() < Interlocked.Read(ref _pausedUntil))
        {
            return;
        }
        var items = new List<RateLimitItem>(spent.Count);
        foreach (var entry in spent)
        {
            items.Add(new RateLimitItem(entry.Policy, entry.Key, entry.Count));
        }
        var reply = await pair.Channel.TrySendAsync(PairPaths.RateLimits, new RateLimitMessage(Version, pair.Channel.Node, items),
            PairJsonContext.Default.RateLimitMessage, PairJsonContext.Default.RateLimitReply, stopping);
        if (reply is not null)
        {
            _failures = 0;
        }
        else if (++_failures >= FailuresBeforePause)
        {
            _failures = 0;
            Interlocked.Exchange(ref _pausedUntil, pair.Time.GetTimestamp() + (long)(Pause.TotalSeconds * pair.Time.TimestampFrequency));
        }
    }

    /// <summary>A restarted peer is a new build perhaps: try it again at once.</summary>
    public void OnPeerHeartbeat(HeartbeatMessage heartbeat, bool restarted)
    {
        if (restarted)
        {
            Interlocked.Exchange(ref _pausedUntil, long.MinValue);
        }
    }

    private static List<RateLimitSpend> ToSpends(IReadOnlyList<RateLimitItem> items)
    {
        var spends = new List<RateLimitSpend>(items.Count);
        foreach (var item in items)
        {
            spends.Add(new RateLimitSpend(item.Policy, item.Key, item.Count));
        }
        return spends;
    }
}
