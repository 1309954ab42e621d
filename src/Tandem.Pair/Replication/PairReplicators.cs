using Tandem.Pair.Transport;

namespace Tandem.Pair.Replication;

/// <summary>
/// The registered replicators, in order: the heartbeat tells them about the peer, the catch-up takes their snapshot shares
/// (<see cref="ISnapshotPart"/>) in this order, and the service maps and runs them all.
/// Concurrency: filled before the channel starts, only read afterwards.
/// </summary>
internal sealed class PairReplicators
{
    private readonly List<IPairReplicator> _all = [];

    public IReadOnlyList<IPairReplicator> All => _all;

    public void Add(IPairReplicator replicator) => _all.Add(replicator);

    /// <summary>The replicators that carry a share of the snapshot, in registration order.</summary>
    public IEnumerable<ISnapshotPart> SnapshotParts => _all.OfType<ISnapshotPart>();

    public void Map(PairRoutes routes)
    {
        foreach (var replicator in _all)
        {
            replicator.Map(routes);
        }
    }

    /// <summary>Starts every replicator's loop.</summary>
    public Task[] Run(CancellationToken stopping)
    {
        var loops = new Task[_all.Count];
        for (var i = 0; i < loops.Length; i++)
        {
            loops[i] = _all[i].RunAsync(stopping);
        }
        return loops;
    }

    public void OnPeerFound()
    {
        foreach (var replicator in _all)
        {
            replicator.OnPeerFound();
        }
    }

    public void OnPeerHeartbeat(HeartbeatMessage heartbeat, bool restarted)
    {
        foreach (var replicator in _all)
        {
            replicator.OnPeerHeartbeat(heartbeat, restarted);
        }
    }
}
