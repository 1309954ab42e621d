using System.Globalization;
using System.Text.Json;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Pair.Transport;

namespace Tandem.Pair;

/// <summary>What the pair channel does with the peer's messages.</summary>
public sealed partial class PairService
{
    private async Task<byte[]?> HandleAsync(string path, string sender, byte[] body, CancellationToken cancellationToken)
    {
        var context = PairJsonContext.Default;
        switch (path)
        {
            case PairPaths.Heartbeat:
                OnPeerHeartbeat(Parse(body, context.HeartbeatMessage));
                return JsonSerializer.SerializeToUtf8Bytes(OwnHeartbeat(), context.HeartbeatMessage);
            case PairPaths.Changes:
                var changes = Parse(body, context.ChangesMessage);
                Heard(sender);
                Merge(changes.Entries, sender);
                if (changes.Entries.Count > 0)
                {
                    lock (_gate)
                    {
                        _lastSync = _time.GetUtcNow();
                    }
                    Publish();
                }
                return JsonSerializer.SerializeToUtf8Bytes(new AckMessage(changes.Seq), context.AckMessage);
            case PairPaths.Snapshot:
                Parse(body, context.SnapshotRequest);
                Heard(sender);
                return JsonSerializer.SerializeToUtf8Bytes(new SnapshotMessage(_table.All(), LocalOffer, StickySnapshot()), context.SnapshotMessage);
            case PairPaths.Sticky:
                var sticky = Parse(body, context.StickyMessage);
                Heard(sender);
                return JsonSerializer.SerializeToUtf8Bytes(new StickyReply(MergeSticky(sticky.Items)), context.StickyReply);
            case PairPaths.Config:
                var offer = Parse(body, context.ConfigOffer);
                Heard(sender);
                var reply = await TakeConfigAsync(offer, sender, cancellationToken);
                return JsonSerializer.SerializeToUtf8Bytes(reply, context.ConfigReply);
            default:
                return null;
        }
    }

    private static T Parse<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(body, type) ?? throw new JsonException("null message");

    private HeartbeatMessage OwnHeartbeat()
    {
        var snapshot = _health.Current;
        var local = LocalOffer;
        return new HeartbeatMessage(_config.Node, _incarnation, RoleName(snapshot.Role), local?.Version, local?.Stamp ?? 0, snapshot.VipHolder);
    }

    /// <summary>A heartbeat from the peer, sent by it or received as the answer to ours.</summary>
    private void OnPeerHeartbeat(HeartbeatMessage heartbeat)
    {
        bool restarted;
        bool configDiffers;
        lock (_gate)
        {
            restarted = _peerIncarnation is not null && !string.Equals(_peerIncarnation, heartbeat.Incarnation, StringComparison.Ordinal);
            _peerIncarnation = heartbeat.Incarnation;
            _peerName = heartbeat.Node;
            _peerRole = ParseRole(heartbeat.Role);
            _peerConfigVersion = heartbeat.ConfigVersion;
            _peerConfigStamp = heartbeat.ConfigStamp;
            _peerVipHolder = heartbeat.VipHolder;
            configDiffers = !string.Equals(heartbeat.ConfigVersion, _localConfig?.Version, StringComparison.Ordinal);
            if (restarted)
            {
                // A new process on the peer knows none of our changes: send them all again, offer the config again.
                Interlocked.Exchange(ref _acked, 0);
                _offeredVersion = null;
            }
        }
        Heard(heartbeat.Node);
        if (restarted)
        {
            _changesSignal.Writer.TryWrite(true);
        }
        if (configDiffers)
        {
            _configSignal.Writer.TryWrite(true);
        }
        Publish();
    }

    /// <summary>Any valid message proves the peer alive.</summary>
    private void Heard(string peer)
    {
        if (_tracker.Heard())
        {
            lock (_gate)
            {
                _peerName ??= peer;
            }
            PairLog.PeerFound(_logger, peer);
            Publish();
            Raise(PairEventKind.PeerFound, "peer answers on the pair channel");
            // Whatever either side changed while apart is exchanged again; last writer wins.
            _syncSignal.Writer.TryWrite(true);
            _changesSignal.Writer.TryWrite(true);
            _configSignal.Writer.TryWrite(true);
        }
        Publish();
    }

    /// <summary>Merges the peer's entries into the table and applies those that won; returns how many did.</summary>
    private int Merge(IReadOnlyList<OverrideEntry> entries, string peer)
    {
        var applied = 0;
        foreach (var entry in entries)
        {
            if (_table.TryMerge(entry))
            {
                Apply(entry, peer);
                applied++;
            }
        }
        return applied;
    }

    /// <summary>Applies an entry straight to the pool (not through the admin API), so it is not reported back.</summary>
    private void Apply(OverrideEntry entry, string peer)
    {
        var pool = _pools.Find(entry.Pool);
        var server = pool?.FindServer(entry.Server);
        if (pool is null || server is null)
        {
            PairLog.ChangeUnknownServer(_logger, peer, entry.Pool, entry.Server);
            return;
        }
        switch (entry.Field)
        {
            case OverrideFields.Weight when entry.Weight is null or (>= ConfigDefaults.MinWeight and <= ConfigDefaults.MaxWeight):
                pool.SetWeight(server, entry.Weight);
                PairLog.ChangeApplied(_logger, entry.Field, entry.Pool, entry.Server,
                    entry.Weight?.ToString(CultureInfo.InvariantCulture) ?? "(file's weight)", peer);
                break;
            case OverrideFields.State when ServerStateNames.TryParseAdmin(entry.State, out var state):
                pool.SetAdminState(server, state);
                PairLog.ChangeApplied(_logger, entry.Field, entry.Pool, entry.Server, entry.State!, peer);
                break;
            default:
                PairLog.LoopFailed(_logger, "apply", $"ignored bad entry {entry.Field} of {entry.Pool}/{entry.Server} from {peer}");
                break;
        }
    }

    internal static string RoleName(PairRole role) => role switch
    {
        PairRole.Standalone => "standalone",
        PairRole.Syncing => "syncing",
        PairRole.Master => "master",
        PairRole.Backup => "backup",
        _ => "fault",
    };

    private static PairRole? ParseRole(string? role) => role switch
    {
        "syncing" => PairRole.Syncing,
        "master" => PairRole.Master,
        "backup" => PairRole.Backup,
        "fault" => PairRole.Fault,
        "standalone" => PairRole.Standalone,
        _ => null,
    };
}
