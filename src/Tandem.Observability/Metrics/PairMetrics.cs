using Prometheus;
using Tandem.Core.Runtime;

namespace Tandem.Observability.Metrics;

/// <summary>
/// The pair's instruments in the node's registry: peer liveness and sync lag (refreshed before each scrape from
/// <see cref="PairHealth"/>), pair messages by type and result, and pair events by kind (the alerting hooks).
/// </summary>
public sealed class PairMetrics
{
    private readonly Counter _messages;
    private readonly Counter _events;

    public PairMetrics(TandemMetrics metrics, PairHealth health)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(health);
        var factory = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        var peerUp = factory.CreateGauge("tandem_pair_peer_up", "1 while the pair peer answers within peer-timeout, else 0.");
        var lag = factory.CreateGauge("tandem_pair_sync_lag", "Local runtime changes the pair peer has not acknowledged.");
        _messages = factory.CreateCounter("tandem_pair_messages_total",
            "Pair channel messages by type (heartbeat, changes, snapshot, config) and result (ok, failed, refused, received, bad-mac, stale, replayed, ...).",
            ["type", "result"]);
        _events = factory.CreateCounter("tandem_pair_events_total", "Pair events by kind (PeerLost, PeerFound, BecameMaster, BecameBackup, Fault).", ["kind"]);
        metrics.Registry.AddBeforeCollectCallback(() =>
        {
            var current = health.Current;
            peerUp.Set(current.PeerAlive ? 1 : 0);
            lag.Set(current.SyncLag);
        });
        health.Changed += e => _events.WithLabels(e.Kind.ToString()).Inc();
    }

    /// <summary>Counts one pair message.</summary>
    public void Message(string type, string result) => _messages.WithLabels(type, result).Inc();
}
