namespace Tandem.Core.Runtime;

/// <summary>This node's role in a pair, as keepalived and the pair channel see it.</summary>
public enum PairRole
{
    /// <summary>No <c>pair</c> section: a single node.</summary>
    Standalone,
    /// <summary>Starting, or catching up with the peer before it may take a VIP.</summary>
    Syncing,
    /// <summary>Holds the (first) VIP.</summary>
    Master,
    /// <summary>Ready to take the VIP over.</summary>
    Backup,
    /// <summary>Unhealthy (no healthy server, keepalived down): gives the VIP away.</summary>
    Fault,
}

/// <summary>A change the alerting and the dashboard care about.</summary>
public enum PairEventKind
{
    PeerLost,
    PeerFound,
    BecameMaster,
    BecameBackup,
    Fault,
}

public sealed record PairEvent(DateTimeOffset At, PairEventKind Kind, string Node, string? Peer, string Detail);

/// <summary>
/// What the pair service knows about this node and its peer, for alerts, metrics, the admin API and the dashboard.
/// Concurrency: written by the pair service only; readers see each field lock-free; <see cref="Changed"/> is raised on the writer's thread.
/// </summary>
public sealed class PairHealth
{
    private volatile PairSnapshot _snapshot = PairSnapshot.Standalone;

    /// <summary>The latest state: an immutable snapshot.</summary>
    public PairSnapshot Current => _snapshot;

    /// <summary>Raised once per event (peer lost/found, became master/backup, fault).</summary>
    public event Action<PairEvent>? Changed;

    public void Update(PairSnapshot snapshot) => _snapshot = snapshot;

    public void Raise(PairEvent pairEvent) => Changed?.Invoke(pairEvent);
}

/// <param name="Node">This node's name; empty when standalone.</param>
/// <param name="Peer">The peer's name once heard from, else its address.</param>
/// <param name="Role">This node's role.</param>
/// <param name="PeerRole">The peer's role as it last reported it.</param>
/// <param name="PeerAlive">True while heartbeats arrive within the peer timeout.</param>
/// <param name="PeerLastSeen">When the peer was last heard from.</param>
/// <param name="LastSync">When the last state change from the peer was applied (or ours acknowledged).</param>
/// <param name="SyncLag">How far behind the peer's acknowledged state is, in changes.</param>
/// <param name="ConfigVersion">This node's config version.</param>
/// <param name="PeerConfigVersion">The peer's config version as last reported.</param>
/// <param name="VipHolder">The node that holds the first VIP as far as this node knows; null when unknown.</param>
public sealed record PairSnapshot(
    string Node,
    string? Peer,
    PairRole Role,
    PairRole? PeerRole,
    bool PeerAlive,
    DateTimeOffset? PeerLastSeen,
    DateTimeOffset? LastSync,
    long SyncLag,
    string? ConfigVersion,
    string? PeerConfigVersion,
    string? VipHolder)
{
    public static readonly PairSnapshot Standalone = new("", null, PairRole.Standalone, null, false, null, null, 0, null, null, null);
}
