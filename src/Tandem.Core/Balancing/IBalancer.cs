using Tandem.Core.Pools;

namespace Tandem.Core.Balancing;

/// <summary>
/// One balancing algorithm: builds a <see cref="ServerSelector"/> over the servers that are usable right now.
/// Which servers are usable (health, admin state, backups) is decided before, by <see cref="Selection.UsableServers"/>.
/// </summary>
public interface IBalancer
{
    /// <summary>The config name, one of <see cref="BalancingAlgorithms"/>.</summary>
    string Name { get; }

    /// <summary>Whether picks depend on a hash of the client (address, header or cookie), so the proxy computes one.</summary>
    bool UsesHash => false;

    /// <param name="servers">The usable servers, never empty.</param>
    /// <param name="context">The pool's rotation counter, clock, randomness and config.</param>
    ServerSelector Build(IReadOnlyList<ServerState> servers, BalancerContext context);
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

    /// <summary>The value <see cref="Next"/> would return, without taking it (for explaining a pick).</summary>
    public uint Peek() => (uint)(Volatile.Read(ref _value) + 1);
}
