using Tandem.Pair.Replication;
using Tandem.Pair.Transport;

namespace Tandem.Pair.CatchUp;

/// <summary>
/// The snapshot for a returning node. A node starts syncing: it pulls the peer's whole state (<c>/pair/snapshot</c>),
/// hands each replicator its share (<see cref="ISnapshotPart"/>, in registration order) and only then reports synced.
/// If the peer does not answer within <c>peer-timeout</c> of startup, there is nothing to catch up with and the node
/// counts as synced on its own state. It pulls again whenever the peer is found after a loss, and answers the peer's pulls.
/// Concurrency: one pull loop; the channel's handlers build snapshots concurrently; the synced flag is volatile and only turns true.
/// </summary>
internal sealed class CatchUpReplicator : IPairReplicator
{
    private readonly PairContext _pair;
    private readonly IPairPeer _peer;
    private readonly PairReplicators _replicators;
    private readonly SyncMark _lastSync;
    private readonly long _startedAt;
    private readonly Wakeup _wakeup = new();
    private volatile bool _synced;

    /// <summary>
    /// <paramref name="replicators"/>: whose snapshot shares are served and taken. A pull the peer did not answer is
    /// tried again every heartbeat; an absent peer leaves the node synced on its own state <c>peer-timeout</c> after startup.
    /// </summary>
    public CatchUpReplicator(PairContext pair, IPairPeer peer, PairReplicators replicators, SyncMark lastSync)
    {
        _pair = pair;
        _peer = peer;
        _replicators = replicators;
        _lastSync = lastSync;
        _startedAt = pair.Time.GetTimestamp();
        // A node starts by catching up.
        _wakeup.Set();
    }

    /// <summary>True once this node has caught up with its peer (or found none within <c>peer-timeout</c> of startup).</summary>
    public bool IsSynced => _synced;

    /// <summary>Raised once, when <see cref="IsSynced"/> turns true, after <see cref="Changed"/>.</summary>
    public event Action? Synced;

    /// <summary>Raised after the synced flag or the last sync changed.</summary>
    public event Action? Changed;

    public void Map(PairRoutes routes) =>
        routes.Map(PairPaths.Snapshot, PairJsonContext.Default.SnapshotRequest, PairJsonContext.Default.SnapshotMessage,
            (_, sender, _) =>
            {
                _peer.Heard(sender);
                var snapshot = new SnapshotMessage([], null);
                foreach (var part in _replicators.SnapshotParts)
                {
                    snapshot = part.AddTo(snapshot);
                }
                return ValueTask.FromResult(snapshot);
            });

    // Whatever either side changed while apart is pulled again.
    public void OnPeerFound() => _wakeup.Set();

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await _wakeup.WaitAsync(stopping);
                while (!await TryPullAsync(stopping))
                {
                    if (!_synced && !_peer.Alive && _pair.Time.GetElapsedTime(_startedAt) >= _pair.PeerTimeout)
                    {
                        PairLog.SyncedAlone(_pair.Logger, _pair.Channel.PeerAddress, (long)_pair.PeerTimeout.TotalMilliseconds);
                        MarkSynced();
                        break;
                    }
                    if (_synced && !_peer.Alive)
                    {
                        break;
                    }
                    await Task.Delay(_pair.Heartbeat, _pair.Time, stopping);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<bool> TryPullAsync(CancellationToken stopping)
    {
        var snapshot = await _pair.Channel.TrySendAsync(PairPaths.Snapshot, new SnapshotRequest(_pair.Channel.Node), PairJsonContext.Default.SnapshotRequest,
            PairJsonContext.Default.SnapshotMessage, stopping);
        if (snapshot is null)
        {
            return false;
        }
        var peer = _peer.Name;
        foreach (var part in _replicators.SnapshotParts)
        {
            await part.TakeAsync(snapshot, peer, !_synced, stopping);
        }
        _lastSync.Mark();
        MarkSynced();
        Changed?.Invoke();
        return true;
    }

    private void MarkSynced()
    {
        if (_synced)
        {
            return;
        }
        _synced = true;
        Changed?.Invoke();
        Synced?.Invoke();
    }
}
