using Tandem.Core.Pools;

namespace Tandem.Core.Health;

/// <summary>
/// Slow start (<c>pools[].slow-start</c>), as nginx Plus and HAProxy's <c>slowstart</c>: a server that was added or
/// has just become usable again takes a share that grows linearly from 10% of its weight to all of it over the window,
/// so a cold cache or JIT is not hit with full traffic at once. Applied by the weight loop every 500 ms (a stepwise
/// ramp). Pure: the caller passes the clock.
/// </summary>
public static class SlowStart
{
    private const double From = 0.1;

    /// <summary>The share of its weight <paramref name="server"/> gets now: 1 outside a ramp.</summary>
    public static double Factor(ServerState server, TimeSpan? window, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(time);
        if (window is not { } length || length <= TimeSpan.Zero || !server.IsUsable)
        {
            return 1;
        }
        var elapsed = time.GetElapsedTime(server.UsableSince);
        return elapsed >= length ? 1 : From + ((1 - From) * (elapsed / length));
    }

    /// <summary>
    /// For pools that are not <c>dynamic-weighted</c>: the weights (tenths) of servers inside their ramp, and 0 to
    /// clear the ones whose ramp just ended; published through <see cref="PoolState.SetDynamicWeights"/>.
    /// </summary>
    public static void Apply(PoolState pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var time = pool.Context.Time;
        var weights = new List<(ServerState Server, int Weight)>();
        foreach (var server in pool.Servers)
        {
            var factor = Factor(server, pool.Config.SlowStart, time);
            var tenths = factor >= 1 ? 0 : Math.Max(1, (int)Math.Round(server.Weight * 10 * factor));
            if (tenths != server.DynamicWeight)
            {
                weights.Add((server, tenths));
            }
        }
        if (weights.Count > 0)
        {
            pool.SetDynamicWeights(weights);
        }
    }
}
