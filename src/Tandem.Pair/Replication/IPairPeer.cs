using Tandem.Core.Runtime;

namespace Tandem.Pair.Replication;

/// <summary>
/// What a replicator knows of the peer: whether it answers, its name, what it said of itself in its last heartbeat.
/// Concurrency: thread-safe.
/// </summary>
internal interface IPairPeer
{
    /// <summary>True while the peer has been heard from within <c>peer-timeout</c>.</summary>
    bool Alive { get; }

    /// <summary>The peer's node name once heard from, else its address (<c>pair.peer</c>).</summary>
    string Name { get; }

    /// <summary>What the peer said of itself in its last heartbeat.</summary>
    PeerInfo Info { get; }

    /// <summary>Any valid message proves the peer alive: each handler reports its sender here.</summary>
    void Heard(string sender);
}

/// <summary>What the peer last said of itself; the role and VIP holder are forgotten when it is lost.</summary>
/// <param name="Name">Its node name; null before the first message.</param>
/// <param name="Incarnation">Its current start; a new one means it restarted.</param>
/// <param name="Role">Its role as it reported it.</param>
/// <param name="ConfigVersion">The version of its shared config.</param>
/// <param name="ConfigStamp">When that config was written (Unix ms).</param>
/// <param name="VipHolder">The node it believes holds the VIP.</param>
internal sealed record PeerInfo(string? Name, string? Incarnation, PairRole? Role, string? ConfigVersion, long ConfigStamp,
    string? VipHolder)
{
    public static readonly PeerInfo Unknown = new(null, null, null, null, 0, null);
}
