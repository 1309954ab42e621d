using System.Globalization;
using Tandem.Core.Pools;

namespace Tandem.Core.Balancing;

/// <summary>
/// Weighted least connections, as nginx's <c>least_conn</c> and HAProxy's <c>leastconn</c>: the server with the fewest
/// requests in flight on this node per unit of weight. Ties go by smooth weighted round robin: the scan starts at the
/// server the round-robin sequence would pick, so idle servers share requests in proportion to their weights instead of
/// the first one taking them all. A pick reads every usable server's in-flight counter once (O(servers), no lock, no
/// allocation); for a handful of servers that is a few nanoseconds (see bench/README.md for 100).
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
        public override ServerState? Pick(in SelectionContext context) => servers[Choose(turns[sequence.Next() % (uint)turns.Length])];

        public override PickExplanation Explain(in SelectionContext context)
        {
            var start = turns[sequence.Peek() % (uint)turns.Length];
            var chosen = Choose(start);
            var facts = new Dictionary<string, string> { ["tie-break start"] = servers[start].Name };
            for (var i = 0; i < servers.Length; i++)
            {
                facts["in-flight per weight." + servers[i].Name] =
                    (servers[i].InFlight * 10.0 / weights[i]).ToString("0.###", CultureInfo.InvariantCulture);
            }
            return new PickExplanation(servers[chosen], "fewest requests in flight per unit of weight; ties by smooth weighted round robin", facts);
        }

        /// <summary>Scans all servers from <paramref name="start"/>; a later server wins only when strictly less loaded.</summary>
        private int Choose(int start)
        {
            var best = start;
            var bestLoad = servers[start].InFlight;
            var bestWeight = weights[start];
            for (var step = 1; step < servers.Length; step++)
            {
                var i = start + step;
                if (i >= servers.Length)
                {
                    i -= servers.Length;
                }
                var load = servers[i].InFlight;
                // load / weights[i] < bestLoad / bestWeight, without division.
                if (load * bestWeight < bestLoad * weights[i])
                {
                    best = i;
                    bestLoad = load;
                    bestWeight = weights[i];
                }
            }
            return best;
        }
    }
}
