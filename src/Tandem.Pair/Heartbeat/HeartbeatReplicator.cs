using Tandem.Core.Runtime;
using Tandem.Pair.ConfigSync;
using Tandem.Pair.Replication;
using Tandem.Pair.Transport;

namespace Tandem.Pair.Heartbeat;

/// <summary>
/// Heartbeats and peer health. Every <c>pair.heartbeat</c> this node tells the peer who it is and what it runs, and
/// the peer answers with the same about itself; any valid message proves the peer alive, and <c>peer-timeout</c> of
/// silence loses it. The other replicators hear about the peer from here: found, restarted, its config version.
/// Concurrency: the loop and the channel's handlers run concurrently; the peer's state lives in <see cref="PeerState"/>
/// and <see cref="PeerTracker"/>, which lock themselves; at most one heartbeat is in flight.
/// </summary>
internal sealed class HeartbeatReplicator : IPairReplicator, IPairPeer
{
    private readonly PairContext _pair;
    private readonly PairReplicators _replicators;
    private readonly PairHealth _health;
    private readonly LocalConfig _localConfig;
    private readonly PeerTracker _tracker;
    private readonly PeerState _peer = new();
    private int _inFlight;
    private Task _send = Task.CompletedTask;

    /// <summary>
    /// <paramref name="replicators"/>: told when the peer is found and of each heartbeat from it;
    /// <paramref name="health"/>: where this node's published role and VIP holder are read from, and pair events raised;
    /// <paramref name="localConfig"/>: whose version and write time each heartbeat carries.
    /// </summary>
    public HeartbeatReplicator(PairContext pair, PairReplicators replicators, PairHealth health, LocalConfig localConfig)
    {
        _pair = pair;
        _replicators = replicators;
        _health = health;
        _localConfig = localConfig;
        _tracker = new PeerTracker(pair.Time, pair.PeerTimeout);
    }

    /// <summary>Raised after anything this node publishes about the peer changed.</summary>
    public event Action? Changed;

    public bool Alive => _tracker.Alive;

    /// <summary>When the peer was last heard from; null before the first message.</summary>
    public DateTimeOffset? LastSeen => _tracker.LastSeen;

    public string Name => _peer.Current.Name ?? _pair.Channel.PeerAddress;

    public PeerInfo Info => _peer.Current;

    public void Map(PairRoutes routes) =>
        routes.Map(PairPaths.Heartbeat, PairJsonContext.Default.HeartbeatMessage, PairJsonContext.Default.HeartbeatMessage,
            (heartbeat, _, _) =>
            {
                OnPeerHeartbeat(heartbeat);
                return ValueTask.FromResult(OwnHeartbeat());
            });

    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_pair.Heartbeat, _pair.Time);
        try
        {
            do
            {
                // One heartbeat at a time: a peer that does not answer must not pile up requests.
                if (Interlocked.Exchange(ref _inFlight, 1) == 0)
                {
                    _send = SendAsync(stopping);
                }
                if (_tracker.CheckLost(out var silence))
                {
                    var peer = Name;
                    _peer.Lost();
                    PairLog.PeerLost(_pair.Logger, peer, (long)silence.TotalMilliseconds, (long)_pair.PeerTimeout.TotalMilliseconds);
                    // The snapshot first, so whoever handles the event reads a state that agrees with it.
                    Changed?.Invoke();
                    Raise(PairEventKind.PeerLost, $"nothing heard for {(long)silence.TotalMilliseconds} ms");
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException)
        {
        }
        await _send;
    }

    private async Task SendAsync(CancellationToken stopping)
    {
        try
        {
            var answer = await _pair.Channel.TrySendAsync(PairPaths.Heartbeat, OwnHeartbeat(), PairJsonContext.Default.HeartbeatMessage,
                PairJsonContext.Default.HeartbeatMessage, stopping);
            if (answer is not null)
            {
                OnPeerHeartbeat(answer);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Stopping.
        }
        finally
        {
            Volatile.Write(ref _inFlight, 0);
        }
    }

    private HeartbeatMessage OwnHeartbeat()
    {
        var snapshot = _health.Current;
        var local = _localConfig.Offer;
        return new HeartbeatMessage(_pair.Channel.Node, _pair.Channel.Incarnation, PairRoleNames.Of(snapshot.Role), local?.Version, local?.Stamp ?? 0,
            snapshot.VipHolder);
    }

    /// <summary>A heartbeat from the peer, sent by it or received as the answer to ours.</summary>
    private void OnPeerHeartbeat(HeartbeatMessage heartbeat)
    {
        var restarted = _peer.Record(heartbeat);
        // Before the peer counts as heard, so the loops that a found peer wakes see its restart and config version.
        _replicators.OnPeerHeartbeat(heartbeat, restarted);
        Heard(heartbeat.Node);
        Changed?.Invoke();
    }

    public void Heard(string sender)
    {
        if (_tracker.Heard())
        {
            _peer.NameIfUnknown(sender);
            PairLog.PeerFound(_pair.Logger, sender);
            Changed?.Invoke();
            Raise(PairEventKind.PeerFound, "peer answers on the pair channel");
            // Whatever either side changed while apart is exchanged again; last writer wins.
            _replicators.OnPeerFound();
        }
        Changed?.Invoke();
    }

    private void Raise(PairEventKind kind, string detail) => _health.Raise(new PairEvent(_pair.Time.GetUtcNow(), kind, _pair.Channel.Node, Name, detail));
}
