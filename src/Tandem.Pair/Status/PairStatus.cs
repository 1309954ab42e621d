using Tandem.Core.Config;
using Tandem.Core.Runtime;
using Tandem.Pair.CatchUp;
using Tandem.Pair.ConfigSync;
using Tandem.Pair.Heartbeat;
using Tandem.Pair.OverrideSync;
using Tandem.Pair.Replication;

namespace Tandem.Pair.Status;

/// <summary>
/// What the pair publishes (<see cref="PairSnapshot"/> in <see cref="PairHealth"/>, read by /api/pair, the metrics, the
/// dashboard and the alerts): composed from the replicators each time one of them reports a change. While the node has
/// not synced, its role stays <see cref="PairRole.Syncing"/> whatever keepalived says.
/// Concurrency: <see cref="Publish"/> reads every source and swaps the snapshot under one lock, so a slower publisher
/// never overwrites a newer state; sources never publish while holding their own locks.
/// </summary>
internal sealed class PairStatus
{
    private readonly PairConfig _config;
    private readonly PairHealth _health;
    private readonly HeartbeatReplicator _heartbeat;
    private readonly CatchUpReplicator _catchUp;
    private readonly OverrideReplicator _overrides;
    private readonly LocalConfig _localConfig;
    private readonly SyncMark _lastSync;
    private readonly Lock _gate = new();
    private PairRole? _vipRole;
    private string? _vipHolder;

    public PairStatus(PairConfig config, PairHealth health, HeartbeatReplicator heartbeat, CatchUpReplicator catchUp, OverrideReplicator overrides,
        ConfigReplicator configSync, LocalConfig localConfig, SyncMark lastSync)
    {
        _config = config;
        _health = health;
        _heartbeat = heartbeat;
        _catchUp = catchUp;
        _overrides = overrides;
        _localConfig = localConfig;
        _lastSync = lastSync;
        heartbeat.Changed += Publish;
        catchUp.Changed += Publish;
        overrides.Changed += Publish;
        configSync.Changed += Publish;
    }

    /// <summary>This node's role and the VIP holder as keepalived reports them; shown once the node is synced.</summary>
    public void SetVip(PairRole role, string? vipHolder)
    {
        lock (_gate)
        {
            _vipRole = role;
            _vipHolder = vipHolder;
        }
        Publish();
    }

    public void Publish()
    {
        lock (_gate)
        {
            var role = !_catchUp.IsSynced ? PairRole.Syncing : _vipRole ?? PairRole.Backup;
            var peerInfo = _heartbeat.Info;
            var peer = peerInfo.Name ?? _config.Peer.ToString();
            var holder = _vipHolder ?? peerInfo.VipHolder ?? (role == PairRole.Master ? _config.Node : peerInfo.Role == PairRole.Master ? peer : null);
            _health.Update(new PairSnapshot(_config.Node, peer, role, peerInfo.Role, _heartbeat.Alive, _heartbeat.LastSeen, _lastSync.At,
                _overrides.Lag, _localConfig.Current?.Version, peerInfo.ConfigVersion, holder));
        }
    }
}
