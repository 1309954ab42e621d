using Tandem.Core.Config;

namespace Tandem.Core.Balancing;

/// <summary>What a balancer may use to build a selector, beyond the usable servers. One per pool; survives rebuilds.</summary>
public sealed class BalancerContext(PoolConfig pool, PickSequence sequence, BalancerServices services)
{
    /// <summary>The pool's config (algorithm options such as the hash key).</summary>
    public PoolConfig Pool { get; } = pool;

    /// <summary>A counter owned by the pool that survives rebuilds, so rotation continues where it was.</summary>
    public PickSequence Sequence { get; } = sequence;

    public TimeProvider Time => services.Time;

    public IRandomSource Random => services.Random;
}
