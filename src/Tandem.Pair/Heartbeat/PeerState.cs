using Tandem.Pair.Replication;
using Tandem.Pair.Transport;

namespace Tandem.Pair.Heartbeat;

/// <summary>
/// What the peer said of itself (<see cref="PeerInfo"/>), kept from its heartbeats.
/// Concurrency: every member locks one gate; <see cref="Current"/> is an immutable record.
/// </summary>
internal sealed class PeerState
{
    private readonly Lock _gate = new();
    private PeerInfo _current = PeerInfo.Unknown;

    public PeerInfo Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Records a heartbeat; true when it comes from a new start of the peer (an incarnation seen before changed).</summary>
    public bool Record(HeartbeatMessage heartbeat)
    {
        lock (_gate)
        {
            var restarted = _current.Incarnation is not null && !string.Equals(_current.Incarnation, heartbeat.Incarnation, StringComparison.Ordinal);
            _current = new PeerInfo(heartbeat.Node, heartbeat.Incarnation, PairRoleNames.Parse(heartbeat.Role), heartbeat.ConfigVersion,
                heartbeat.ConfigStamp, heartbeat.VipHolder);
            return restarted;
        }
    }

    /// <summary>Names the peer after the sender of its first message, if no heartbeat named it yet.</summary>
    public void NameIfUnknown(string sender)
    {
        lock (_gate)
        {
            if (_current.Name is null)
            {
                _current = _current with { Name = sender };
            }
        }
    }

    /// <summary>The peer is lost: its role and its idea of the VIP holder no longer hold.</summary>
    public void Lost()
    {
        lock (_gate)
        {
            _current = _current with { Role = null, VipHolder = null };
        }
    }
}
