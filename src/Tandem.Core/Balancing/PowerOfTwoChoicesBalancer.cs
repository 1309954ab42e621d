using System.Globalization;
using Tandem.Core.Pools;

namespace Tandem.Core.Balancing;

/// <summary>
/// Power of two random choices (Mitzenmacher 2001; Envoy's and Linkerd's default): draw two different servers at
/// random in proportion to their weights and send the request to the one with fewer requests in flight per unit of
/// weight; a tie goes to the first drawn, so an idle pool follows the weights. Nearly as even as least connections
/// but O(1) per pick, and it avoids the herd that least connections causes when many nodes share stale counts.
/// </summary>
public sealed class PowerOfTwoChoicesBalancer : IBalancer
{
    public string Name => BalancingAlgorithms.PowerOfTwoChoices;

    public ServerSelector Build(IReadOnlyList<ServerState> servers, BalancerContext context)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(context);
        return servers.Count == 1 ? new SingleServerSelector(servers[0]) : new Selector([.. servers], new WeightedDraw(servers), context.Random);
    }

    private sealed class Selector(ServerState[] servers, WeightedDraw draw, IRandomSource random) : ServerSelector
    {
        public override ServerState? Pick(in SelectionContext context)
        {
            var first = draw.Next(random);
            var second = draw.NextOther(random, first);
            return servers[Lighter(first, second)];
        }

        public override PickExplanation Explain(in SelectionContext context)
        {
            var first = draw.Next(random);
            var second = draw.NextOther(random, first);
            var facts = new Dictionary<string, string>
            {
                ["candidates"] = servers[first].Name + ", " + servers[second].Name,
                ["in-flight per weight." + servers[first].Name] = Load(first).ToString("0.###", CultureInfo.InvariantCulture),
                ["in-flight per weight." + servers[second].Name] = Load(second).ToString("0.###", CultureInfo.InvariantCulture),
            };
            return new PickExplanation(servers[Lighter(first, second)],
                "two servers drawn at random by weight; the one with fewer requests in flight per unit of weight (a fresh draw: the next request may draw others)", facts);
        }

        private int Lighter(int first, int second)
        {
            // in-flight(second) / w(second) < in-flight(first) / w(first), without division.
            var a = servers[first];
            var b = servers[second];
            return b.InFlight * a.TenthsOfWeight < a.InFlight * b.TenthsOfWeight ? second : first;
        }

        private double Load(int index) => servers[index].InFlight * 10.0 / Math.Max(1, servers[index].TenthsOfWeight);
    }
}
