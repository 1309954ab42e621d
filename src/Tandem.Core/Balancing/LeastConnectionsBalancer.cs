using System.Globalization;
using Tandem.Core.Pools;

namespace Tandem.Core.Balancing;

/// <summary>
/// Weighted least connections, as nginx's <c>least_conn</c> and HAProxy's <c>leastconn</c>: the server with the fewest
/// requests in flight on this node per unit of weight. Ties go by smooth weighted round robin: the server whose turn
/// it is wins when it is among the least loaded, so idle servers share requests in proportion to their weights, spread
/// out, instead of the first one taking them all. When it is busier, its turn goes to one of the least loaded drawn by
/// weight (with a hash of the pick number, so it is deterministic and explainable), not to its neighbour in the list,
/// which would otherwise get every turn of a server held by a long request. A pick reads every usable server's
/// in-flight counter once (O(servers), no lock, no allocation); for a handful of servers that is tens of nanoseconds
/// (see bench/README.md for 100).
/// </summary>
public sealed class LeastConnectionsBalancer : IBalancer
{
    public string Name => BalancingAlgorithms.LeastConnections;

    public ServerSelector Build(IReadOnlyList<ServerState> servers, BalancerContext context)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(context);
        var weights = WeightedRoundRobinBalancer.WeightsOf(servers);
        return new Selector([.. servers], weights, WeightedRoundRobinBalancer.SmoothSequence(weights), context.Sequence);
    }

    private sealed class Selector(ServerState[] servers, int[] weights, int[] turns, PickSequence sequence) : ServerSelector
    {
        public override ServerState? Pick(in SelectionContext context) => servers[Choose(sequence.Next())];

        public override PickExplanation Explain(in SelectionContext context)
        {
            var pick = sequence.Peek();
            var chosen = Choose(pick);
            var facts = new Dictionary<string, string> { ["tie-break start"] = servers[turns[pick % (uint)turns.Length]].Name };
            for (var i = 0; i < servers.Length; i++)
            {
                facts["in-flight per weight." + servers[i].Name] =
                    (servers[i].InFlight * 10.0 / weights[i]).ToString("0.###", CultureInfo.InvariantCulture);
            }
            return new PickExplanation(servers[chosen], "fewest requests in flight per unit of weight; ties by smooth weighted round robin", facts);
        }

        /// <summary>
        /// The server for pick number <paramref name="pick"/>: the server whose turn it is when none is less loaded per
        /// unit of weight, else one of the least loaded drawn by weight (weighted reservoir sampling in the same scan,
        /// with pseudo-random numbers from the pick number, so <see cref="Explain"/> finds the same).
        /// </summary>
        private int Choose(uint pick)
        {
            var start = turns[pick % (uint)turns.Length];
            var bestLoad = servers[start].InFlight;
            var bestWeight = weights[start];
            var startIsLeast = true;
            var chosen = start;
            var tiedWeight = (uint)bestWeight;
            var random = Mix(pick);
            for (var i = 0; i < servers.Length; i++)
            {
                if (i == start)
                {
                    continue;
                }
                var load = servers[i].InFlight;
                // Compares load / weights[i] with bestLoad / bestWeight, without division.
                var difference = (load * bestWeight) - (bestLoad * weights[i]);
                if (difference < 0)
                {
                    startIsLeast = false;
                    chosen = i;
                    bestLoad = load;
                    bestWeight = weights[i];
                    tiedWeight = (uint)weights[i];
                }
                else if (difference == 0)
                {
                    // Replaces the choice with probability weights[i] / (weight of the least loaded so far).
                    tiedWeight += (uint)weights[i];
                    random = Mix(random + (uint)i);
                    if ((uint)(((ulong)random * tiedWeight) >> 32) < (uint)weights[i])
                    {
                        chosen = i;
                    }
                }
            }
            return startIsLeast ? start : chosen;
        }

        /// <summary>MurmurHash3's finalizer: successive pick numbers become well-spread pseudo-random values.</summary>
        private static uint Mix(uint value)
        {
            value ^= value >> 16;
            value *= 0x85ebca6b;
            value ^= value >> 13;
            value *= 0xc2b2ae35;
            return value ^ (value >> 16);
        }
    }
}
