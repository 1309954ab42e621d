namespace Tandem.Pair.Heartbeat;

/// <summary>
/// Whether the peer is alive: found on the first message heard, lost after <c>peer-timeout</c> of silence.
/// Concurrency: all members lock one gate; the transitions come back to the caller, which raises the events.
/// </summary>
internal sealed class PeerTracker(TimeProvider time, TimeSpan timeout)
{
    private readonly Lock _gate = new();
    private long _lastHeard;
    private bool _alive;
    private DateTimeOffset? _lastSeen;

    public bool Alive
    {
        get
        {
            lock (_gate)
            {
                return _alive;
            }
        }
    }

    /// <summary>When the peer was last heard from (UTC); null before the first message.</summary>
    public DateTimeOffset? LastSeen
    {
        get
        {
            lock (_gate)
            {
                return _lastSeen;
            }
        }
    }

    /// <summary>Records a message from the peer; true when this found it (it was not alive before).</summary>
    public bool Heard()
    {
        lock (_gate)
        {
            _lastHeard = time.GetTimestamp();
            _lastSeen = time.GetUtcNow();
            var found = !_alive;
            _alive = true;
            return found;
        }
    }

    /// <summary>Checks for silence; true when this lost the peer, with how long it has been silent.</summary>
    public bool CheckLost(out TimeSpan silence)
    {
        lock (_gate)
        {
            silence = _alive ? time.GetElapsedTime(_lastHeard) : TimeSpan.Zero;
            if (_alive && silence > timeout)
            {
                _alive = false;
                return true;
            }
            return false;
        }
    }
}
