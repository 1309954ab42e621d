using System.Text;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Pair.Replication;
using Tandem.Pair.Transport;

namespace Tandem.Pair.ConfigSync;

/// <summary>
/// Config sync. What travels is the config file without its node-local sections (<see cref="LocalConfig"/>); the
/// receiver appends its own, validates the result with <see cref="ConfigLoader"/>, writes it to its config file and
/// applies it. The newer file wins (its write time travels with it, so both nodes agree which is newer), and a version
/// is offered to a peer only once. A returning node takes the peer's config from the snapshot, before anything else.
/// Concurrency: the offer loop, the channel's handlers and the catch-up run concurrently; taking a config is serialized
/// by a semaphore, the version last offered is guarded by a lock.
/// </summary>
internal sealed class ConfigReplicator : IPairReplicator, ISnapshotPart, IDisposable
{
    private readonly PairChannel _channel;
    private readonly IPairPeer _peer;
    private readonly LocalConfig _local;
    private readonly Func<ConfigLoadResult, Task<bool>>? _apply;
    private readonly ILogger _logger;
    private readonly Wakeup _wakeup = new();
    private readonly SemaphoreSlim _takeGate = new(1, 1);
    private readonly Lock _gate = new();
    private string? _offeredVersion;

    /// <summary>
    /// <paramref name="apply"/>: validates and applies a config (the node's reload path); null when config sync is off.
    /// </summary>
    public ConfigReplicator(PairChannel channel, IPairPeer peer, LocalConfig local, Func<ConfigLoadResult, Task<bool>>? apply, ILogger logger)
    {
        _channel = channel;
        _peer = peer;
        _local = local;
        _apply = apply;
        _logger = logger;
    }

    /// <summary>Raised after a config from the peer was written and applied (the published version changed).</summary>
    public event Action? Changed;

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
                return await TakeAsync(offer, sender, cancellationToken);
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
        peer = info.Name ?? _channel.PeerAddress;
        lock (_gate)
        {
            return info.ConfigVersion is not null && !string.Equals(info.ConfigVersion, local.Version, StringComparison.Ordinal)
                && !string.Equals(_offeredVersion, local.Version, StringComparison.Ordinal)
                && !(local.Stamp < info.ConfigStamp || (local.Stamp == info.ConfigStamp && string.CompareOrdinal(_channel.Node, peer) < 0));
        }
    }

    private async Task OfferAsync(ConfigOffer local, string peer, CancellationToken stopping)
    {
        // Not answered: offered again on the next heartbeat that shows another version.
        var reply = await _channel.TrySendAsync(PairPaths.Config, local, PairJsonContext.Default.ConfigOffer, PairJsonContext.Default.ConfigReply,
            stopping, reply => reply.Accepted ? "ok" : "declined", peer);
        if (reply is null)
        {
            return;
        }
        lock (_gate)
        {
            _offeredVersion = local.Version;
        }
        PairLog.ConfigOffered(_logger, local.Version, peer, reply.Accepted ? "applied" : "refused: " + reply.Problem);
    }

    public SnapshotMessage AddTo(SnapshotMessage snapshot) => snapshot with { Config = _local.Offer };

    public async Task TakeAsync(SnapshotMessage snapshot, string peer, bool firstSync, CancellationToken cancellationToken)
    {
        if (snapshot.Config is { } offer && _local.Offer is { } local && !string.Equals(offer.Version, local.Version, StringComparison.Ordinal)
            && (offer.Stamp > local.Stamp || (offer.Stamp == local.Stamp && string.CompareOrdinal(offer.Node, _channel.Node) > 0)))
        {
            await TakeAsync(offer, peer, cancellationToken);
        }
    }

    /// <summary>A config offered by the peer (or in its snapshot): validated, written and applied, or refused with the reason.</summary>
    private async Task<ConfigReply> TakeAsync(ConfigOffer offer, string peer, CancellationToken cancellationToken)
    {
        await _takeGate.WaitAsync(cancellationToken);
        try
        {
            var local = _local.Current;
            if (_local.SyncOff is { } off)
            {
                return Refuse(offer, peer, "config sync is off on node " + _channel.Node + ": " + off, local);
            }
            if (local is not null && string.Equals(local.Version, offer.Version, StringComparison.Ordinal))
            {
                return new ConfigReply(true, null);
            }
            if (local is not null && (offer.Stamp < local.Stamp || (offer.Stamp == local.Stamp && string.CompareOrdinal(offer.Node, _channel.Node) < 0)))
            {
                // Not a problem with the config: this node's own file is newer and will be offered the other way.
                return new ConfigReply(false, $"node {_channel.Node} runs a newer config ({local.Version})");
            }
            if (ConfigText.Split(offer.Yaml).Local.Length > 0)
            {
                return Refuse(offer, peer, "it contains a node-local section (pair, listeners or admin; each node keeps its own)", local);
            }
            return await WriteAndApplyAsync(offer, peer, local, cancellationToken);
        }
        finally
        {
            _takeGate.Release();
        }
    }

    private async Task<ConfigReply> WriteAndApplyAsync(ConfigOffer offer, string peer, ConfigOffer? local, CancellationToken cancellationToken)
    {
        var path = _local.Path!;
        var merged = ConfigText.Join(offer.Yaml, _local.OwnSections);
        var loaded = ConfigLoader.Parse(merged, path);
        if (!loaded.IsValid)
        {
            var problems = new List<string>(loaded.Problems.Count);
            foreach (var problem in loaded.Problems)
            {
                problems.Add(problem.ToString());
            }
            return Refuse(offer, peer, string.Join("; ", problems), local);
        }
        var previous = await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken);
        var previousStamp = File.GetLastWriteTimeUtc(path);
        LocalConfig.Write(path, merged, DateTimeOffset.FromUnixTimeMilliseconds(offer.Stamp).UtcDateTime);
        if (!await _apply!(loaded))
        {
            LocalConfig.Write(path, previous, previousStamp);
            return Refuse(offer, peer, "applying it failed (see the reload lines above)", local);
        }
        _local.Load();
        Changed?.Invoke();
        PairLog.ConfigAccepted(_logger, offer.Version, peer, path);
        return new ConfigReply(true, null);
    }

    private ConfigReply Refuse(ConfigOffer offer, string peer, string problem, ConfigOffer? local)
    {
        PairLog.ConfigRefused(_logger, offer.Version, peer, problem, local?.Version ?? "(none)");
        return new ConfigReply(false, problem);
    }

    public void Dispose() => _takeGate.Dispose();
}
