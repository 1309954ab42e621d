using Tandem.Pair.Transport;

namespace Tandem.Pair.Replication;

/// <summary>
/// A replicator's share of the snapshot a returning node pulls from its peer before it reports synced
/// (<see cref="SnapshotMessage"/>, one field per share). Shares are taken in the order they are registered: the config
/// first, because the others name pools and servers a newer config may add.
/// Concurrency: <see cref="AddTo"/> runs on the channel's threads, <see cref="TakeAsync"/> on the catch-up loop.
/// </summary>
internal interface ISnapshotPart
{
    /// <summary>The snapshot with this replicator's field filled in, for a peer that asked for it.</summary>
    SnapshotMessage AddTo(SnapshotMessage snapshot);

    /// <summary>Applies this replicator's field of the peer's snapshot; <paramref name="firstSync"/> while the node has not synced yet.</summary>
    Task TakeAsync(SnapshotMessage snapshot, string peer, bool firstSync, CancellationToken cancellationToken);
}
