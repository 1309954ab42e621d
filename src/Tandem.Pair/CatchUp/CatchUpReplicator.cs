using Microsoft.Extensions.Logging;
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
    private readonly PairChannel _channel;
    private readonly IPairPeer _peer;
    private readonly PairReplicators _replicators;
    private readonly SyncMark _lastSync;
    private readonly TimeProvider _time;
    private readonly TimeSpan _retry;
    private readonly TimeSpan _peerTimeout;
    private readonly ILogger _logger;
    private readonly long _startedAt;
    private readonly Wakeup _wakeup = new();
    private volatile bool _synced;

    /// <summary>
    /// <paramref name="replicators"/>: whose snapshot shares are served and taken;
    /// <paramref name="retry"/>: how long to wait between pulls the peer did not answer (the heartbeat interval);
    /// <paramref name="peerTimeout"/>: how long after startup an absent peer leaves the node synced on its own state.
    /// </summary>
    public CatchUpReplicator(PairChannel channel, IPairPeer peer, PairReplicators replicators, SyncMark lastSync, TimeSpan retry,
        TimeSpan peerTimeout, TimeProvider time, ILogger logger)
    {
        _channel = channel;
        _peer = peer;
        _replicators = replicators;
        _lastSync = lastSync;
        _retry = retry;
        _peerTimeout = peerTimeout;
        _time = time;
        _logger = logger;
        _startedAt = time.GetTimestamp();
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
                    if (!_synced && !_peer.Alive && _time.GetElapsedTime(_startedAt) >= _peerTimeout)
                    {
                        PairLog.SyncedAlone(_logger, _channel.PeerAddress, (long)_peerTimeout.TotalMilliseconds);
                        MarkSynced();
                        break;
                    }
                    if (_synced && !_peer.Alive)
                    {
                        break;
                    }
                    await Task.Delay(_retry, _time, stopping);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<bool> TryPullAsync(CancellationToken stopping)
    {
        var snapshot = await _channel.TrySendAsync(PairPaths.Snapshot, new SnapshotRequest(_channel.Node), PairJsonContext.Default.SnapshotRequest,
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
