using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Pair.Replication;
using Tandem.Pair.Transport;

namespace Tandem.Pair.OverrideSync;

/// <summary>
/// Runtime overrides: the weights, drains and disables an operator makes through the admin API. Each local change gets
/// a sequence number; the sender sends what the peer has not acknowledged in one batch until it has it all, and a
/// restarted peer gets everything again. The peer's changes are merged last-writer-wins and applied to the pools; a
/// returning node gets the whole table with the snapshot. The admin API only records a change and wakes the sender, so
/// no request waits on the peer.
/// Concurrency: the sender loop, the admin API's threads and the channel's handlers run concurrently; all state is in
/// the <see cref="OverrideTable"/>, which locks itself.
/// </summary>
internal sealed class OverrideReplicator : IPairReplicator, ISnapshotPart
{
    private readonly PairContext _pair;
    private readonly IPairPeer _peer;
    private readonly OperatorChanges _changes;
    private readonly SyncMark _lastSync;
    private readonly OverrideTable _table;
    private readonly OverrideApplier _applier;
    private readonly Wakeup _wakeup = new();

    /// <summary>
    /// <paramref name="changes"/>: where the admin API reports operator changes; subscribed while the loop runs. A batch
    /// the peer did not take is sent again a heartbeat later, while the peer is alive.
    /// </summary>
    public OverrideReplicator(PairContext pair, IPairPeer peer, PoolRegistry pools, OperatorChanges changes, SyncMark lastSync)
    {
        _pair = pair;
        _peer = peer;
        _changes = changes;
        _lastSync = lastSync;
        _table = new OverrideTable(pair.Channel.Node);
        _applier = new OverrideApplier(_table, pools, pair.Logger);
    }

    /// <summary>Raised after the sync lag or the last sync changed.</summary>
    public event Action? Changed;

    /// <summary>Local changes the peer has not acknowledged.</summary>
    public long Lag => _table.Unacknowledged;

    public void Map(PairRoutes routes) =>
        routes.Map(PairPaths.Changes, PairJsonContext.Default.ChangesMessage, PairJsonContext.Default.AckMessage,
            (changes, sender, _) =>
            {
                _peer.Heard(sender);
                _applier.Merge(changes.Entries, sender);
                if (changes.Entries.Count > 0)
                {
                    _lastSync.Mark();
                    Changed?.Invoke();
                }
                return ValueTask.FromResult(new AckMessage(changes.Seq));
            });

    public void OnPeerFound() => _wakeup.Set();

    public void OnPeerHeartbeat(HeartbeatMessage heartbeat, bool restarted)
    {
        if (restarted)
        {
            // A new process on the peer knows none of our changes: send them all again.
            _table.ForgetAcknowledgements();
            _wakeup.Set();
        }
    }

    /// <summary>Records an operator's change and wakes the sender; raised on the admin request's thread.</summary>
    public void Record(OperatorChange change)
    {
        var now = _pair.Time.GetUtcNow().ToUnixTimeMilliseconds();
        if (change.HasWeight)
        {
            _table.RecordLocal(change.Pool, change.Server, OverrideFields.Weight, change.Weight, null, now);
        }
        if (change.State is { } state)
        {
            _table.RecordLocal(change.Pool, change.Server, OverrideFields.State, null, ServerStateNames.For(state, HealthStatus.Up), now);
        }
        Changed?.Invoke();
        _wakeup.Set();
    }

    /// <summary>Sends the local changes the peer has not acknowledged, in one batch, until it has them all.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        _changes.Made += Record;
        try
        {
            while (true)
            {
                await _wakeup.WaitAsync(stopping);
                await SendUnacknowledgedAsync(stopping);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _changes.Made -= Record;
        }
    }

    private async Task SendUnacknowledgedAsync(CancellationToken stopping)
    {
        while (_table.LocalUnacknowledged() is var (entries, seq) && entries.Count > 0)
        {
            var ack = await _pair.Channel.TrySendAsync(PairPaths.Changes, new ChangesMessage(_pair.Channel.Node, _pair.Channel.Incarnation, seq, entries),
                PairJsonContext.Default.ChangesMessage, PairJsonContext.Default.AckMessage, stopping);
            if (ack is not null)
            {
                _table.Acknowledge(ack.Seq);
                _lastSync.Mark();
                Changed?.Invoke();
            }
            else if (!_peer.Alive)
            {
                // Sent again when the peer is found.
                return;
            }
            else
            {
                await Task.Delay(_pair.Heartbeat, _pair.Time, stopping);
            }
        }
    }

    public SnapshotMessage AddTo(SnapshotMessage snapshot) => snapshot with { Entries = _table.All() };

    public Task TakeAsync(SnapshotMessage snapshot, string peer, bool firstSync, CancellationToken cancellationToken)
    {
        var applied = _applier.Merge(snapshot.Entries, peer);
        if (firstSync)
        {
            PairLog.Synced(_pair.Logger, peer, applied);
        }
        return Task.CompletedTask;
    }
}
