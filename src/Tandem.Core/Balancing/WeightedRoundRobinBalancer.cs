using System.Globalization;
using Tandem.Core.Pools;

namespace Tandem.Core.Balancing;

/// <summary>
/// Smooth weighted round robin, as in nginx's <c>ngx_http_upstream_get_peer</c> (2012): on each pick every server's
/// current weight grows by its weight, the largest wins and loses the total. Weights 5:3 give a,b,a,a,b,a,b,a: the
/// heavy server is spread out instead of served in a burst.
/// nginx runs that loop per request under a per-worker lock. The sequence is periodic with period sum(weights)/gcd,
/// so this builds one period when the servers change and each pick is one interlocked increment and an array read.
/// With equal weights the period is the server list: plain round robin. Weights are taken in tenths (dynamic weights move
/// in steps of 0.1) and reduced by their gcd, so memory is O(sum of weights), at most 2,560 x servers.
/// Serves both <c>round-robin</c> (weights honoured, as nginx and HAProxy do) and <c>weighted-round-robin</c>.
/// </summary>
public sealed class WeightedRoundRobinBalancer(string name) : IBalancer
{
    public string Name { get; } = name;

    public ServerSelector Build(IReadOnlyList<ServerState> servers, BalancerContext context)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(context);
        var order = SmoothSequence(WeightsOf(servers));
        var picks = new ServerState[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            picks[i] = servers[order[i]];
        }
        return new Selector(picks, context.Sequence);
    }

    /// <summary>The servers' effective weights in tenths (at least 1), as the selectors build from them.</summary>
    internal static int[] WeightsOf(IReadOnlyList<ServerState> servers)
    {
        var weights = new int[servers.Count];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = Math.Max(1, servers[i].TenthsOfWeight);
        }
        return weights;
    }

    /// <summary>One period of nginx's smooth weighted round robin over <paramref name="weights"/>, as server indexes.</summary>
    internal static int[] SmoothSequence(ReadOnlySpan<int> weights)
    {
        var divisor = 0;
        foreach (var w in weights)
        {
            divisor = Gcd(divisor, w);
        }
        var total = 0;
        var reduced = new int[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            reduced[i] = weights[i] / divisor;
            total += reduced[i];
        }

        var current = new int[weights.Length];
        var order = new int[total];
        for (var step = 0; step < total; step++)
        {
            var best = 0;
            for (var i = 0; i < reduced.Length; i++)
            {
                current[i] += reduced[i];
                if (current[i] > current[best])
                {
                    best = i;
                }
            }
            current[best] -= total;
            order[step] = best;
        }
        return order;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }

    private sealed class Selector(ServerState[] picks, PickSequence sequence) : ServerSelector
    {
        public override ServerState? Pick(in SelectionContext context) => picks[sequence.Next() % (uint)picks.Length];

        public override PickExplanation Explain(in SelectionContext context)
        {
            var turn = sequence.Peek() % (uint)picks.Length;
            return new PickExplanation(picks[turn], "smooth weighted round robin: the next turn of a period in which each server appears weight times, spread out",
                new Dictionary<string, string>
                {
                    ["turn"] = turn.ToString(CultureInfo.InvariantCulture),
                    ["period"] = picks.Length.ToString(CultureInfo.InvariantCulture),
                });
        }
    }
}
