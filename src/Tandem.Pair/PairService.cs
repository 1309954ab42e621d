using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Runtime;
using Tandem.Pair.AcmeSync;
using Tandem.Pair.CacheSync;
using Tandem.Pair.CatchUp;
using Tandem.Pair.ConfigSync;
using Tandem.Pair.Heartbeat;
using Tandem.Pair.OverrideSync;
using Tandem.Pair.RateLimitSync;
using Tandem.Pair.Replication;
using Tandem.Pair.Status;
using Tandem.Pair.StickySync;
using Tandem.Pair.Transport;

namespace Tandem.Pair;

/// <summary>
/// This node's half of the pair: the authenticated channel to the peer and one replicator per kind of shared state
/// (heartbeat and peer health, config, runtime overrides, sticky clients, rate-limit spending, the catch-up snapshot). Everything runs on the
/// replicators' background loops; nothing on the request path waits on the peer.
/// <para>
/// A node starts <see cref="PairRole.Syncing"/>: it asks the peer for a full snapshot and applies it before
/// <see cref="IsSynced"/> turns true and <see cref="Synced"/> fires. If the peer does not answer within
/// <c>peer-timeout</c> of startup, the node has nothing to catch up with and counts as synced on its own state.
/// </para>
/// Concurrency: the replicators' loops and the channel's handlers run concurrently, each type guarding its own state;
/// the public members may be called from any thread.
/// </summary>
public sealed class PairService : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly PairChannel _channel;
    private readonly PairReplicators _replicators = new();
    private readonly CatchUpReplicator _catchUp;
    private readonly ConfigReplicator _configSync;
    private readonly PairStatus _status;
    private readonly CancellationTokenSource _stop = new();
    private Task[] _loops = [];
    private int _stopped;

    private PairService(PairServiceOptions options, byte[] secret)
    {
        var config = options.Config;
        var time = options.Time;
        var heartbeat = config.Heartbeat ?? ConfigDefaults.PairHeartbeat;
        var peerTimeout = config.PeerTimeout ?? ConfigDefaults.PairPeerTimeout;
        _logger = options.LoggerFactory.CreateLogger<PairService>();
        _channel = new PairChannel(config, secret, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), options.CountMessage, _logger, time);
        var pair = new PairContext(_channel, time, heartbeat, peerTimeout, _logger);
        var lastSync = new SyncMark(time);
        var localConfig = new LocalConfig(config.Node, options.ConfigPath, options.ApplyConfig is not null, _logger);
        var peer = new HeartbeatReplicator(pair, _replicators, options.Health, localConfig);
        _configSync = new ConfigReplicator(pair, peer, localConfig, options.ApplyConfig);
        var overrides = new OverrideReplicator(pair, peer, options.Pools, options.Changes, lastSync);
        var sticky = new StickyReplicator(pair, peer, options.Pools);
        _catchUp = new CatchUpReplicator(pair, peer, _replicators, lastSync);
        // Registration order is the order the snapshot's shares are taken in: the config before the overrides and sticky
        // clients, which name its pools and servers.
        _replicators.Add(peer);
        _replicators.Add(_catchUp);
        _replicators.Add(_configSync);
        _replicators.Add(overrides);
        _replicators.Add(sticky);
        var rateSync = config.RateLimitSync ?? ConfigDefaults.PairRateLimitSync;
        if (options.RateLimits is { } ledger && rateSync > TimeSpan.Zero)
        {
            _replicators.Add(new RateLimitReplicator(pair, peer, ledger, rateSync, config.RateLimitKeys ?? ConfigDefaults.PairRateLimitKeys));
        }
        if (options.CachePurges is { } purges)
        {
            _replicators.Add(new CachePurgeReplicator(pair, peer, purges));
        }
        if (options.AcmeSharing is { } acme)
        {
            _replicators.Add(new AcmeReplicator(pair, peer, acme, new PairSealer(secret)));
        }
        _replicators.Map(_channel.Routes);
        _status = new PairStatus(config, options.Health, peer, _catchUp, overrides, _configSync, localConfig, lastSync);
        localConfig.Load();
    }

    /// <summary>True once this node has caught up with its peer (or found none within <c>peer-timeout</c> of startup).</summary>
    public bool IsSynced => _catchUp.IsSynced;

    /// <summary>Raised once, when <see cref="IsSynced"/> turns true. Until then the VIP side keeps this node's priority low.</summary>
    public event Action? Synced
    {
        add => _catchUp.Synced += value;
        remove => _catchUp.Synced -= value;
    }

    /// <summary>This node's name.</summary>
    public string Node => _channel.Node;

    /// <summary>Reads the secret, binds <c>pair.bind</c> and starts the replicators' loops.</summary>
    /// <exception cref="PairStartException">The secret is unreadable or short, or <c>pair.bind</c> is taken.</exception>
    public static async Task<PairService> StartAsync(PairServiceOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var secret = PairSecret.Read(options.Config.SecretFile);
        var service = new PairService(options, secret);
        service._status.Publish();
        try
        {
            await service._channel.StartAsync(cancellationToken);
        }
        catch (PairStartException)
        {
            await service._channel.DisposeAsync();
            throw;
        }
        service._loops = service._replicators.Run(service._stop.Token);
        PairLog.Started(service._logger, options.Config.Node, options.Config.Bind.ToString(), options.Config.Peer.ToString());
        return service;
    }

    /// <summary>
    /// For the VIP side: this node's role as keepalived reports it (<see cref="PairRole.Master"/>, <see cref="PairRole.Backup"/>,
    /// <see cref="PairRole.Fault"/>) and the VIP holder. While not synced the published role stays <see cref="PairRole.Syncing"/>.
    /// </summary>
    public void SetVipState(PairRole role, string? vipHolder) => _status.SetVip(role, vipHolder);

    /// <summary>Tells the pair that the node applied a config (startup or reload); it is offered to the peer if newer.</summary>
    public void ConfigApplied()
    {
        _configSync.Reload();
        _status.Publish();
    }

    /// <summary>Stops the loops and the pair channel.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            PairLog.LoopFailed(_logger, "stop", "loops did not stop within 5 s");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // A loop that died must not fail the node's shutdown; say so.
            PairLog.LoopFailed(_logger, "stop", ex.Message);
        }
        await _channel.DisposeAsync();
        PairLog.Stopped(_logger);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _configSync.Dispose();
        _stop.Dispose();
    }
}
