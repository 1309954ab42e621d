using Tandem.Pair.Transport;

namespace Tandem.Pair.Replication;

/// <summary>
/// One kind of state the pair keeps alike on both nodes (peer health, runtime overrides, config, sticky clients...). A
/// replicator maps the paths it answers, runs its own loop, and hears about the peer from the heartbeat. Adding a kind of
/// state is adding a replicator and registering it in <see cref="PairService"/>; the channel does not change.
/// Concurrency: <see cref="Map"/> runs once before the channel starts; the peer callbacks come from the channel's and the
/// heartbeat's threads and must only record and wake, never wait on the peer.
/// </summary>
internal interface IPairReplicator
{
    /// <summary>Maps the paths this replicator answers. A handler calls <see cref="IPairPeer.Heard"/> once its message has parsed.</summary>
    void Map(PairRoutes routes)
    {
    }

    /// <summary>The replicator's loop, from start to stop (<paramref name="stopping"/>); it ends quietly when stopping.</summary>
    Task RunAsync(CancellationToken stopping) => Task.CompletedTask;

    /// <summary>The peer answers again (at start, or back after a loss): whatever changed while apart is exchanged again.</summary>
    void OnPeerFound()
    {
    }

    /// <summary>
    /// A heartbeat from the peer (sent by it, or the answer to ours), before it counts as heard.
    /// <paramref name="restarted"/>: a new process on the peer, which knows nothing this node sent before.
    /// </summary>
    void OnPeerHeartbeat(HeartbeatMessage heartbeat, bool restarted)
    {
    }
}
