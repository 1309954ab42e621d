using Tandem.Core.Pools;

namespace Tandem.Core.Balancing;

/// <summary>
/// One balancing algorithm: builds a <see cref="ServerSelector"/> over the servers that are usable right now.
/// Which servers are usable (health, admin state, backups) is decided before, by <see cref="UsableServers"/>.
/// </summary>
public interface IBalancer
{
    /// <summary>The config name, one of <see cref="BalancingAlgorithms"/>.</summary>
    string Name { get; }

    /// <param name="servers">The usable servers, never empty.</param>
    /// <param name="sequence">A counter owned by the pool that survives rebuilds, so rotation continues where it was.</param>
    ServerSelector Build(IReadOnlyList<ServerState> servers, PickSequence sequence);
}

/// <summary>
/// A request counter shared by the successive selectors of one pool. Concurrency: incremented with
/// <see cref="Interlocked"/>; alone in its object so the hot counter does not share a cache line with other state.
/// </summary>
public sealed class PickSequence
{
    private int _value = -1;

    /// <summary>The next value, wrapping around after <see cref="uint.MaxValue"/>.</summary>
    public uint Next() => (uint)Interlocked.Increment(ref _value);
}
