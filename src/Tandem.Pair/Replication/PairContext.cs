using Microsoft.Extensions.Logging;
using Tandem.Pair.Transport;

namespace Tandem.Pair.Replication;

/// <summary>
/// What every replicator works with: the channel to the peer, the clock, the pair's timings and the pair's logger (one
/// category for every part, so the pair's lines read as one component's).
/// Concurrency: immutable; the channel is thread-safe.
/// </summary>
/// <param name="Channel">The authenticated channel to the peer.</param>
/// <param name="Time">The clock every timer and stamp reads.</param>
/// <param name="Heartbeat">The heartbeat interval (<c>pair.heartbeat</c>): also how long a replicator waits to retry.</param>
/// <param name="PeerTimeout">The silence after which the peer is lost (<c>pair.peer-timeout</c>).</param>
/// <param name="Logger">The pair's logger.</param>
internal sealed record PairContext(PairChannel Channel, TimeProvider Time, TimeSpan Heartbeat, TimeSpan PeerTimeout, ILogger Logger);
