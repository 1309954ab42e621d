using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Pair.Transport;
using Tandem.Pair.Sync;

namespace Tandem.Pair;

/// <summary>
/// This node's half of the pair channel: heartbeats, peer liveness, replication of operator changes (weights, drain,
/// disable) and of the config (without the <c>pair</c> section). Everything runs on background tasks; the admin API only
/// records a change in a table and wakes the sender, so no request ever waits on the peer.
/// <para>
/// A node starts <see cref="PairRole.Syncing"/>: it asks the peer for a full snapshot (runtime overrides and config) and
/// applies it before <see cref="IsSynced"/> turns true and <see cref="Synced"/> fires. If the peer does not answer within
/// <c>peer-timeout</c> of startup, the node has nothing to catch up with and counts as synced on its own state.
/// </para>
/// Concurrency: the loops and the channel handlers run concurrently; shared fields are volatile or guarded by
/// <see cref="_gate"/>; <see cref="OverrideTable"/> and <see cref="PeerTracker"/> lock themselves.
/// </summary>
public sealed partial class PairService : IAsyncDisposable
{
    private readonly PairServiceOptions _options;
    private readonly PairConfig _config;
    private readonly PoolRegistry _pools;
    private readonly PairHealth _health;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PairSigner _signer;
    private readonly PairClient _client;
    private readonly OverrideTable _table;
    private readonly PeerTracker _tracker;
    private readonly TimeSpan _heartbeat;
    private readonly TimeSpan _peerTimeout;
    private readonly string _incarnation = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    private readonly long _startedAt;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<bool> _changesSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _configSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _syncSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private PairServer? _server;
    private Task[] _loops = [];
    private int _stopped;

    private volatile bool _synced;
    private PairRole? _vipRole;
    private string? _vipHolder;
    private string? _peerName;
    private string? _peerIncarnation;
    private PairRole? _peerRole;
    private string? _peerConfigVersion;
    private long _peerConfigStamp;
    private string? _peerVipHolder;
    private long _acked;
    private DateTimeOffset? _lastSync;

    private PairService(PairServiceOptions options, byte[] secret)
    {
        _options = options;
        _config = options.Config;
        _pools = options.Pools;
        _health = options.Health;
        _time = options.Time;
        _logger = options.LoggerFactory.CreateLogger<PairService>();
        _heartbeat = _config.Heartbeat ?? ConfigDefaults.PairHeartbeat;
        _peerTimeout = _config.PeerTimeout ?? ConfigDefaults.PairPeerTimeout;
        _signer = new PairSigner(secret, _config.Node, _time);
        _client = new PairClient(_config.Peer.ToString(), _signer, _peerTimeout);
        _table = new OverrideTable(_config.Node);
        _tracker = new PeerTracker(_time, _peerTimeout);
        _startedAt = _time.GetTimestamp();
    }

    /// <summary>True once this node has caught up with its peer (or found none within <c>peer-timeout</c> of startup).</summary>
    public bool IsSynced => _synced;

    /// <summary>Raised once, when <see cref="IsSynced"/> turns true. Until then the VIP side keeps this node's priority low.</summary>
    public event Action? Synced;

    /// <summary>This node's name.</summary>
    public string Node => _config.Node;

    /// <summary>Reads the secret, binds <c>pair.bind</c> and starts the heartbeat, sync and sender loops.</summary>
    /// <exception cref="PairStartException">The secret is unreadable or short, or <c>pair.bind</c> is taken.</exception>
    public static async Task<PairService> StartAsync(PairServiceOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var secret = PairSecret.Read(options.Config.SecretFile);
        var service = new PairService(options, secret);
        service.LoadLocalConfig();
        service.Publish();
        service._server = await PairServer.StartAsync(options.Config.Bind, service._signer, service.HandleAsync, options.CountMessage,
            service._logger, service._time, cancellationToken);
        options.Changes.Made += service.OnOperatorChange;
        service._syncSignal.Writer.TryWrite(true);
        service._loops = [service.HeartbeatLoopAsync(), service.SyncLoopAsync(), service.SenderLoopAsync(), service.ConfigLoopAsync(), service.StickyLoopAsync()];
        PairLog.Started(service._logger, options.Config.Node, options.Config.Bind.ToString(), options.Config.Peer.ToString());
        return service;
    }

    /// <summary>
    /// For the VIP side: this node's role as keepalived reports it (<see cref="PairRole.Master"/>, <see cref="PairRole.Backup"/>,
    /// <see cref="PairRole.Fault"/>) and the VIP holder. While not synced the published role stays <see cref="PairRole.Syncing"/>.
    /// </summary>
    public void SetVipState(PairRole role, string? vipHolder)
    {
        lock (_gate)
        {
            _vipRole = role;
            _vipHolder = vipHolder;
        }
        Publish();
    }

    /// <summary>Tells the pair that the node applied a config (startup or reload); it is offered to the peer if newer.</summary>
    public void ConfigApplied()
    {
        LoadLocalConfig();
        Publish();
        _configSignal.Writer.TryWrite(true);
    }

    private void OnOperatorChange(OperatorChange change)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (change.HasWeight)
        {
            _table.RecordLocal(change.Pool, change.Server, OverrideFields.Weight, change.Weight, null, now);
        }
        if (change.State is { } state)
        {
            _table.RecordLocal(change.Pool, change.Server, OverrideFields.State, null, ServerStateNames.For(state, HealthStatus.Up), now);
        }
        Publish();
        _changesSignal.Writer.TryWrite(true);
    }

    private void MarkSynced()
    {
        if (_synced)
        {
            return;
        }
        _synced = true;
        Publish();
        Synced?.Invoke();
    }

    /// <summary>Builds and publishes the <see cref="PairSnapshot"/> from the current fields.</summary>
    private void Publish()
    {
        lock (_gate)
        {
            var role = !_synced ? PairRole.Syncing : _vipRole ?? PairRole.Backup;
            var peer = _peerName ?? _config.Peer.ToString();
            var holder = _vipHolder ?? _peerVipHolder ?? (role == PairRole.Master ? _config.Node : _peerRole == PairRole.Master ? peer : null);
            _health.Update(new PairSnapshot(_config.Node, peer, role, _peerRole, _tracker.Alive, _tracker.LastSeen, _lastSync,
                Math.Max(0, _table.LastSeq - Interlocked.Read(ref _acked)), _localConfig?.Version, _peerConfigVersion, holder));
        }
    }

    private void Raise(PairEventKind kind, string detail)
    {
        string peer;
        lock (_gate)
        {
            peer = _peerName ?? _config.Peer.ToString();
        }
        _health.Raise(new PairEvent(_time.GetUtcNow(), kind, _config.Node, peer, detail));
    }

    /// <summary>Stops the loops and the pair channel.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        _options.Changes.Made -= OnOperatorChange;
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(5));
            await _heartbeatSend.WaitAsync(TimeSpan.FromSeconds(5));
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
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        _client.Dispose();
        PairLog.Stopped(_logger);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}

/// <summary>The fields an <see cref="OverrideEntry"/> may carry.</summary>
internal static class OverrideFields
{
    public const string Weight = "weight";
    public const string State = "state";
}
