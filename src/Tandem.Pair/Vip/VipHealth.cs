using Tandem.Core.Pools;

namespace Tandem.Pair.Vip;

/// <summary>Whether this node is worth sending clients to: some pool has a usable server. Read by the VIP timer, off the request path.</summary>
public static class VipHealth
{
    /// <returns>True when there are no pools, or at least one pool has a usable server.</returns>
    public static bool HasHealthyServer(PoolRegistry pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        var any = false;
        foreach (var pool in pools.Pools.Values)
        {
            any = true;
            if (pool.UsableCount > 0)
            {
                return true;
            }
        }
        return !any;
    }
}
