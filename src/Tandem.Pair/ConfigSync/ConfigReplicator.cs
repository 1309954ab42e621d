using Tandem.Core.Config;
using Tandem.Pair.Replication;
using Tandem.Pair.Transport;

namespace Tandem.Pair.ConfigSync;

/// <summary>
/// Config sync. What travels is the config file without its node-local sections (<see cref="LocalConfig"/>); the
/// receiver takes it (<see cref="ConfigApplier"/>). The newer file wins (its write time travels with it, so both nodes agree which is newer), and a version
/// is offered to a peer only once. A returning node takes the peer's config from the snapshot, before anything else.
/// Concurrency: the offer loop, the channel's handlers and the catch-up run concurrently; <see cref="ConfigApplier"/>
/// takes one offer at a time; the version last offered is guarded by a lock.
/// </summary>
internal sealed class ConfigReplicator : IPairReplicator, ISnapshotPart, IDisposable
{
    private readonly PairContext _pair;
    private readonly IPairPeer _peer;
    private readonly LocalConfig _local;
    private readonly ConfigApplier _applier;
    private readonly Wakeup _wakeup = new();
    private readonly Lock _gate = new();
    private string? _offeredVersion;

    /// <summary>
    /// <paramref name="apply"/>: validates and applies a config (the node's reload path); null when config sync is off.
    /// </summary>
    public ConfigReplicator(PairContext pair, IPairPeer peer, LocalConfig local, Func<ConfigLoadResult, Task<bool>>? apply)
    {
        _pair = pair;
        _peer = peer;
        _local = local;
        _applier = new ConfigApplier(pair.Channel.Node, local, apply, pair.Logger);
    }

    /// <summary>Raised after a config from the peer was written and applied (the published version changed).</summary>
    public event Action? Changed
    {
        add => _applier.Applied += value;
        remove => _applier.Applied -= value;
    }

    /// <summary>The node applied a config (startup or reload): read it again and offer it if the peer runs another.</summary>
    public void Reload()
    {
        _local.Load();
        _wakeup.Set();
    }

    public void Map(PairRoutes routes) =>
        routes.Map(PairPaths.Config, PairJsonContext.Default.ConfigOffer, PairJsonContext.Default.ConfigReply,
            async (offer, sender, cancellationToken) =>
            {
                _peer.Heard(sender);
                return await _applier.TakeAsync(offer, sender, cancellationToken);
            });

    public void OnPeerFound() => _wakeup.Set();

    public void OnPeerHeartbeat(HeartbeatMessage heartbeat, bool restarted)
    {
        if (restarted)
        {
            // A new process on the peer has not seen our offer.
            lock (_gate)
            {
                _offeredVersion = null;
            }
        }
        if (!string.Equals(heartbeat.ConfigVersion, _local.Current?.Version, StringComparison.Ordinal))
        {
            _wakeup.Set();
        }
    }

    /// <summary>Offers this node's config when the peer runs another version and ours is newer; a version once answered is not offered again.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await _wakeup.WaitAsync(stopping);
                if (_local.Offer is { } offer && _peer.Alive && ShouldOffer(offer, _peer.Info, out var peer))
                {
                    await OfferAsync(offer, peer, stopping);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private bool ShouldOffer(ConfigOffer local, PeerInfo info, out string peer)
    {
        peer = info.Name ?? _pair.Channel.PeerAddress;
        lock (_gate)
        {
            return info.ConfigVersion is not null && !string.Equals(info.ConfigVersion, local.Version, StringComparison.Ordinal)
                && !string.Equals(_offeredVersion, local.Version, StringComparison.Ordinal)
                && !ConfigApplier.IsNewer(info.ConfigStamp, peer, local.Stamp, _pair.Channel.Node);
        }
    }

    private async Task OfferAsync(ConfigOffer local, string peer, CancellationToken stopping)
    {
        // Not answered: offered again on the next heartbeat that shows another version.
        var reply = await _pair.Channel.TrySendAsync(PairPaths.Config, local, PairJsonContext.Default.ConfigOffer, PairJsonContext.Default.ConfigReply,
            stopping, reply => reply.Accepted ? "ok" : "declined", peer);
        if (reply is null)
        {
            return;
        }
        lock (_gate)
        {
            _offeredVersion = local.Version;
        }
        PairLog.ConfigOffered(_pair.Logger, local.Version, peer, reply.Accepted ? "applied" : "refused: " + reply.Problem);
    }

    public SnapshotMessage AddTo(SnapshotMessage snapshot) => snapshot with { Config = _local.Offer };

    public async Task TakeAsync(SnapshotMessage snapshot, string peer, bool firstSync, CancellationToken cancellationToken)
    {
        if (snapshot.Config is { } offer && _local.Offer is { } local && !string.Equals(offer.Version, local.Version, StringComparison.Ordinal)
            && ConfigApplier.IsNewer(offer.Stamp, offer.Node, local.Stamp, _pair.Channel.Node))
        {
            await _applier.TakeAsync(offer, peer, cancellationToken);
        }
    }

    public void Dispose() => _applier.Dispose();
}
