using Tandem.Core.Runtime;
using Tandem.Pair.Transport;

namespace Tandem.Pair;

/// <summary>The background loops: heartbeats and liveness, catching up, sending changes, offering the config.</summary>
public sealed partial class PairService
{
    private int _heartbeatInFlight;
    private Task _heartbeatSend = Task.CompletedTask;

    private async Task HeartbeatLoopAsync()
    {
        using var timer = new PeriodicTimer(_heartbeat, _time);
        try
        {
            do
            {
                // One heartbeat at a time: a peer that does not answer must not pile up requests.
                if (Interlocked.Exchange(ref _heartbeatInFlight, 1) == 0)
                {
                    _heartbeatSend = SendHeartbeatAsync();
                }
                if (_tracker.CheckLost(out var silence))
                {
                    string peer;
                    lock (_gate)
                    {
                        peer = _peerName ?? _config.Peer.ToString();
                        _peerRole = null;
                        _peerVipHolder = null;
                    }
                    PairLog.PeerLost(_logger, peer, (long)silence.TotalMilliseconds, (long)_peerTimeout.TotalMilliseconds);
                    // The snapshot first, so whoever handles the event reads a state that agrees with it.
                    Publish();
                    Raise(PairEventKind.PeerLost, $"nothing heard for {(long)silence.TotalMilliseconds} ms");
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SendHeartbeatAsync()
    {
        try
        {
            var answer = await _client.SendAsync(PairPaths.Heartbeat, OwnHeartbeat(), PairJsonContext.Default.HeartbeatMessage,
                PairJsonContext.Default.HeartbeatMessage, _stop.Token);
            Count(PairPaths.Heartbeat, "ok");
            OnPeerHeartbeat(answer);
        }
        catch (PairSendException ex)
        {
            Count(PairPaths.Heartbeat, ex.Result);
            PairLog.SendFailed(_logger, "heartbeat", _config.Peer.ToString(), ex.Message);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Stopping.
        }
        finally
        {
            Volatile.Write(ref _heartbeatInFlight, 0);
        }
    }

    /// <summary>At start (and whenever the peer is found again): pull the peer's snapshot and merge it.</summary>
    private async Task SyncLoopAsync()
    {
        try
        {
            while (await _syncSignal.Reader.WaitToReadAsync(_stop.Token))
            {
                _syncSignal.Reader.TryRead(out _);
                while (!await TryPullSnapshotAsync())
                {
                    if (!_synced && !_tracker.Alive && _time.GetElapsedTime(_startedAt) >= _peerTimeout)
                    {
                        PairLog.SyncedAlone(_logger, _config.Peer.ToString(), (long)_peerTimeout.TotalMilliseconds);
                        MarkSynced();
                        break;
                    }
                    if (_synced && !_tracker.Alive)
                    {
                        break;
                    }
                    await Task.Delay(_heartbeat, _time, _stop.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<bool> TryPullSnapshotAsync()
    {
        SnapshotMessage snapshot;
        string peer;
        try
        {
            snapshot = await _client.SendAsync(PairPaths.Snapshot, new SnapshotRequest(_config.Node), PairJsonContext.Default.SnapshotRequest,
                PairJsonContext.Default.SnapshotMessage, _stop.Token);
            Count(PairPaths.Snapshot, "ok");
        }
        catch (PairSendException ex)
        {
            Count(PairPaths.Snapshot, ex.Result);
            PairLog.SendFailed(_logger, "snapshot", _config.Peer.ToString(), ex.Message);
            return false;
        }
        lock (_gate)
        {
            peer = _peerName ?? _config.Peer.ToString();
        }
        // The config first: the overrides name servers that a newer config may add.
        if (snapshot.Config is { } offer && LocalOffer is { } local && !string.Equals(offer.Version, local.Version, StringComparison.Ordinal)
            && (offer.Stamp > local.Stamp || (offer.Stamp == local.Stamp && string.CompareOrdinal(offer.Node, _config.Node) > 0)))
        {
            await TakeConfigAsync(offer, peer, _stop.Token);
        }
        var applied = Merge(snapshot.Entries, peer);
        if (snapshot.Sticky is { } sticky)
        {
            MergeSticky(sticky);
        }
        lock (_gate)
        {
            _lastSync = _time.GetUtcNow();
        }
        if (!_synced)
        {
            PairLog.Synced(_logger, peer, applied);
        }
        MarkSynced();
        Publish();
        return true;
    }

    /// <summary>Sends the local changes the peer has not acknowledged, in one batch, until it has them all.</summary>
    private async Task SenderLoopAsync()
    {
        try
        {
            while (await _changesSignal.Reader.WaitToReadAsync(_stop.Token))
            {
                _changesSignal.Reader.TryRead(out _);
                while (true)
                {
                    var (entries, seq) = _table.LocalSince(Interlocked.Read(ref _acked));
                    if (entries.Count == 0)
                    {
                        break;
                    }
                    try
                    {
                        var ack = await _client.SendAsync(PairPaths.Changes, new ChangesMessage(_config.Node, _incarnation, seq, entries),
                            PairJsonContext.Default.ChangesMessage, PairJsonContext.Default.AckMessage, _stop.Token);
                        Count(PairPaths.Changes, "ok");
                        InterlockedMax(ref _acked, ack.Seq);
                        lock (_gate)
                        {
                            _lastSync = _time.GetUtcNow();
                        }
                        Publish();
                    }
                    catch (PairSendException ex)
                    {
                        Count(PairPaths.Changes, ex.Result);
                        PairLog.SendFailed(_logger, "changes", _config.Peer.ToString(), ex.Message);
                        if (!_tracker.Alive)
                        {
                            break;
                        }
                        await Task.Delay(_heartbeat, _time, _stop.Token);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Offers this node's config when the peer runs another version and ours is newer; a version once answered is not offered again.</summary>
    private async Task ConfigLoopAsync()
    {
        try
        {
            while (await _configSignal.Reader.WaitToReadAsync(_stop.Token))
            {
                _configSignal.Reader.TryRead(out _);
                if (LocalOffer is not { } local || !_tracker.Alive)
                {
                    continue;
                }
                string? peerVersion;
                long peerStamp;
                string peer;
                lock (_gate)
                {
                    peerVersion = _peerConfigVersion;
                    peerStamp = _peerConfigStamp;
                    peer = _peerName ?? _config.Peer.ToString();
                    if (peerVersion is null || string.Equals(peerVersion, local.Version, StringComparison.Ordinal)
                        || string.Equals(_offeredVersion, local.Version, StringComparison.Ordinal)
                        || local.Stamp < peerStamp || (local.Stamp == peerStamp && string.CompareOrdinal(_config.Node, peer) < 0))
                    {
                        continue;
                    }
                }
                try
                {
                    var reply = await _client.SendAsync(PairPaths.Config, local, PairJsonContext.Default.ConfigOffer,
                        PairJsonContext.Default.ConfigReply, _stop.Token);
                    Count(PairPaths.Config, reply.Accepted ? "ok" : "declined");
                    lock (_gate)
                    {
                        _offeredVersion = local.Version;
                    }
                    PairLog.ConfigOffered(_logger, local.Version, peer, reply.Accepted ? "applied" : "refused: " + reply.Problem);
                }
                catch (PairSendException ex)
                {
                    // Not answered: offered again on the next heartbeat that shows another version.
                    Count(PairPaths.Config, ex.Result);
                    PairLog.SendFailed(_logger, "config", peer, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Count(string path, string result) => _options.CountMessage?.Invoke(PairPaths.TypeOf(path), result);

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
